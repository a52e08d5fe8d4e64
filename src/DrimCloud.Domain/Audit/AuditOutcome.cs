namespace DrimCloud.Domain.Audit;

public static class AuditOutcome
{
    public const string Success = "success";
    public const string Denied = "denied";
    public const string Failed = "failed";
}
