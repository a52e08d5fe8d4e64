namespace DrimCloud.Dicom.Network;

/// <summary>DIMSE-C command field values (PS3.7 section 9.3 and Annex E).</summary>
public enum CommandField : ushort
{
    CStoreRequest = 0x0001,
    CStoreResponse = 0x8001,
    CGetRequest = 0x0010,
    CGetResponse = 0x8010,
    CFindRequest = 0x0020,
    CFindResponse = 0x8020,
    CMoveRequest = 0x0021,
    CMoveResponse = 0x8021,
    CEchoRequest = 0x0030,
    CEchoResponse = 0x8030,
    CCancelRequest = 0x0FFF,
}

/// <summary>DIMSE priority (PS3.7 table E.1-1).</summary>
public enum DimsePriority : ushort
{
    Medium = 0x0000,
    High = 0x0001,
    Low = 0x0002,
}

public static class CommandFieldExtensions
{
    public static bool IsResponse(this CommandField field) => ((ushort)field & 0x8000) != 0 && field != CommandField.CCancelRequest;

    public static bool IsRequest(this CommandField field) => !field.IsResponse();
}
