using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Domain.Audit;
using DrimCloud.Domain.Forwarders;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.Forwarders;

/// <summary>
/// Commands to forwarders: administrators queue them, the target forwarder claims and completes them. Each step
/// names a study, so each is audited.
/// </summary>
public sealed class ForwarderCommands(DrimCloudDbContext db, ForwarderCommandQueue queue, ForwarderCommandSignal signal,
    AuditLog audit, TimeProvider clock)
{
    /// <summary>Longest long-poll a forwarder may ask for (proxies commonly cut idle requests after 60 s).</summary>
    public const int MaxWaitSeconds = 50;

    public async Task<IResult> CreateAsync(HttpContext http, string clientId, CreateForwarderCommand request)
    {
        var cancellationToken = http.RequestAborted;
        var kind = CommandKinds.Parse(request.Kind);
        if (kind is null)
            return Problem(400, $"kind: '{CommandKinds.PullFromPacs}' or '{CommandKinds.PushToPacs}'.");
        var study = string.IsNullOrWhiteSpace(request.StudyInstanceUid) ? null : request.StudyInstanceUid.Trim();
        var accession = string.IsNullOrWhiteSpace(request.AccessionNumber) ? null : request.AccessionNumber.Trim();
        if (study is not null && !DicomUid.IsValid(study))
            return Problem(400, "studyInstanceUid: not a valid UID.");
        if (accession is not null && (accession.Length > 16 || accession.Any(c => c is '\\' || char.IsControl(c))))
            return Problem(400, "accessionNumber: at most 16 characters, no backslash or control character.");
        if (kind == ForwarderCommandKind.PullFromPacs && study is null && accession is null)
            return Problem(400, "A pull needs studyInstanceUid or accessionNumber.");
        if (kind == ForwarderCommandKind.PushToPacs && study is null)
            return Problem(400, "A push needs studyInstanceUid.");

        var forwarder = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId && c.Kind == TenantClientKind.Forwarder, cancellationToken);
        if (forwarder is null)
            return Problem(404, $"This tenant has no forwarder '{clientId}'.");
        if (kind == ForwarderCommandKind.PushToPacs && !await db.Studies.AnyAsync(s => s.StudyInstanceUid == study, cancellationToken))
        {
            await audit.RecordAsync("forwarder.command.create", study, AuditOutcome.Failed, "push of an unknown study");
            return Problem(404, "No such study in this tenant.");
        }

        var command = new ForwarderCommand
        {
            ClientId = clientId, Kind = kind.Value, StudyInstanceUid = study, AccessionNumber = accession,
            CreatedAt = clock.GetUtcNow(), CreatedBy = http.User.FindFirst("sub")?.Value ?? "unknown",
        };
        db.ForwarderCommands.Add(command);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync("forwarder.command.create", study ?? $"accession:{accession}", AuditOutcome.Success,
            $"{CommandKinds.Name(command.Kind)} {command.Id} for {clientId}");
        signal.Notify(command.TenantId, clientId);
        return Results.Accepted($"{http.Request.PathBase}{http.Request.Path}/{command.Id}", ForwarderCommandView.Of(command));
    }

    public async Task<IResult> ListAsync(HttpContext http, string clientId)
    {
        var commands = await db.ForwarderCommands.AsNoTracking().Where(c => c.ClientId == clientId)
            .OrderByDescending(c => c.CreatedAt).Take(100).ToListAsync(http.RequestAborted);
        return Results.Ok(commands.Select(ForwarderCommandView.Of));
    }

    public async Task<IResult> GetAsync(HttpContext http, string clientId, Guid id)
    {
        var command = await db.ForwarderCommands.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.ClientId == clientId, http.RequestAborted);
        return command is null ? Problem(404, "No such command.") : Results.Ok(ForwarderCommandView.Of(command));
    }

    /// <summary>The forwarder's long-poll: 200 with the claimed command, or 204 when none came in time.</summary>
    public async Task<IResult> NextAsync(HttpContext http, int? waitSeconds)
    {
        var wait = waitSeconds ?? 25;
        if (wait is < 0 or > MaxWaitSeconds)
            return Problem(400, $"waitSeconds: 0 to {MaxWaitSeconds}.");
        var clientId = http.User.FindFirst("sub")?.Value;
        if (clientId is null) return Problem(403, "The token names no client.");
        ForwarderCommand? command;
        try
        {
            command = await queue.ClaimNextAsync(clientId, TimeSpan.FromSeconds(wait), http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        if (command is null) return Results.NoContent();
        await audit.RecordAsync("forwarder.command.claim", command.StudyInstanceUid ?? $"accession:{command.AccessionNumber}",
            AuditOutcome.Success, $"{CommandKinds.Name(command.Kind)} {command.Id} attempt {command.Attempts}");
        return Results.Ok(ForwarderCommandView.Of(command));
    }

    public async Task<IResult> CompleteAsync(HttpContext http, Guid id, ForwarderCommandOutcome outcome)
    {
        var cancellationToken = http.RequestAborted;
        var clientId = http.User.FindFirst("sub")?.Value;
        var command = await db.ForwarderCommands.SingleOrDefaultAsync(c => c.Id == id && c.ClientId == clientId, cancellationToken);
        if (command is null) return Problem(404, "No such command for this forwarder.");
        if (command.State != ForwarderCommandState.InProgress)
            return Problem(409, $"The command is {CommandStates.Name(command.State)}, not in progress.");
        if (outcome.Instances is < 0) return Problem(400, "instances cannot be negative.");
        command.State = outcome.Succeeded ? ForwarderCommandState.Succeeded : ForwarderCommandState.Failed;
        command.CompletedAt = clock.GetUtcNow();
        command.Instances = outcome.Instances;
        command.Detail = outcome.Detail is { Length: > 2000 } d ? d[..2000] : outcome.Detail;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync("forwarder.command.complete", command.StudyInstanceUid ?? $"accession:{command.AccessionNumber}",
            outcome.Succeeded ? AuditOutcome.Success : AuditOutcome.Failed, $"{CommandKinds.Name(command.Kind)} {command.Id}: {command.Detail}");
        return Results.Ok(ForwarderCommandView.Of(command));
    }

    private static IResult Problem(int status, string detail) => Results.Problem(statusCode: status, detail: detail);
}
