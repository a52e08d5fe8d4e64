namespace DrimCloud.Dicom.Network;

/// <summary>A registered DICOM UID with its PS3.6 name and keyword.</summary>
public sealed record DicomUidInfo(string Uid, string Name, string Keyword, bool Retired);
