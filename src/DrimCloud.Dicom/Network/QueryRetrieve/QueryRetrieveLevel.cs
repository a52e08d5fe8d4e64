namespace DrimCloud.Dicom.Network;

/// <summary>Query/Retrieve levels (PS3.4 C.3) and the information model SOP classes.</summary>
public static class QueryRetrieveLevel
{
    public const string Patient = "PATIENT";
    public const string Study = "STUDY";
    public const string Series = "SERIES";
    public const string Image = "IMAGE";

    /// <summary>Information models: which root the identifier hierarchy starts from.</summary>
    public enum Model
    {
        PatientRoot,
        StudyRoot,
        PatientStudyOnly,
    }

    public static string FindSopClass(Model model) => model switch
    {
        Model.PatientRoot => WellKnownUids.PatientRootFind,
        Model.StudyRoot => WellKnownUids.StudyRootFind,
        _ => WellKnownUids.PatientStudyOnlyFind,
    };

    public static string MoveSopClass(Model model) => model switch
    {
        Model.PatientRoot => WellKnownUids.PatientRootMove,
        Model.StudyRoot => WellKnownUids.StudyRootMove,
        _ => WellKnownUids.PatientStudyOnlyMove,
    };

    public static string GetSopClass(Model model) => model switch
    {
        Model.PatientRoot => WellKnownUids.PatientRootGet,
        Model.StudyRoot => WellKnownUids.StudyRootGet,
        _ => WellKnownUids.PatientStudyOnlyGet,
    };
}
