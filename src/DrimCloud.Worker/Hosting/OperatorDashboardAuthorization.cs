using Hangfire.Dashboard;

namespace DrimCloud.Worker.Hosting;

/// <summary>
/// The Hangfire dashboard is for platform operators only. The endpoint policy already authenticates the caller; this
/// filter is the dashboard's own second check (it also guards the dashboard's internal AJAX routes).
/// </summary>
public sealed class OperatorDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User.HasClaim(DrimCloudClaims.Role, DrimCloudClaims.OperatorRole);
}
