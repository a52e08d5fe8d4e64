namespace DrimCloud.Dicom.Network;

/// <summary>UIDs of the network services this layer implements (PS3.4, PS3.7, PS3.8).</summary>
public static class WellKnownUids
{
    /// <summary>The only DICOM application context (PS3.7 Annex A).</summary>
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    public const string Verification = "1.2.840.10008.1.1";

    public const string PatientRootFind = "1.2.840.10008.5.1.4.1.2.1.1";
    public const string PatientRootMove = "1.2.840.10008.5.1.4.1.2.1.2";
    public const string PatientRootGet = "1.2.840.10008.5.1.4.1.2.1.3";
    public const string StudyRootFind = "1.2.840.10008.5.1.4.1.2.2.1";
    public const string StudyRootMove = "1.2.840.10008.5.1.4.1.2.2.2";
    public const string StudyRootGet = "1.2.840.10008.5.1.4.1.2.2.3";
    public const string PatientStudyOnlyFind = "1.2.840.10008.5.1.4.1.2.3.1";
    public const string PatientStudyOnlyMove = "1.2.840.10008.5.1.4.1.2.3.2";
    public const string PatientStudyOnlyGet = "1.2.840.10008.5.1.4.1.2.3.3";

    /// <summary>DrimCloud's implementation class UID (the core's, so files and associations name the same implementation).</summary>
    public const string ImplementationClassUid = DicomUid.ImplementationClassUid;

    /// <summary>Implementation version name sent in every association (at most 16 characters).</summary>
    public const string ImplementationVersionName = DicomUid.ImplementationVersionName;

    public static bool IsFind(string sopClassUid) => sopClassUid is PatientRootFind or StudyRootFind or PatientStudyOnlyFind;

    public static bool IsMove(string sopClassUid) => sopClassUid is PatientRootMove or StudyRootMove or PatientStudyOnlyMove;

    public static bool IsGet(string sopClassUid) => sopClassUid is PatientRootGet or StudyRootGet or PatientStudyOnlyGet;
}
