using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DrimCloud.Forwarder.Reports;

/// <summary>A message waiting in <c>pending/</c> for the cloud to accept it.</summary>
public sealed record SpooledReport(string Id, string Path, long Length);

/// <summary>
/// The durable store of received HL7 messages, a folder of its own:
/// <list type="bullet">
/// <item><c>pending/{id}.hl7</c>: accepted (ACK AA sent) and not yet confirmed by the cloud. Written to a temporary name,
/// fsync'd, renamed, and the reception journaled (fsync'd) before the ACK: a message the RIS saw acknowledged survives
/// a crash or a power cut.</item>
/// <item><c>rejected/{id}.hl7</c> + <c>{id}.txt</c>: what was refused (AE/AR here, or 4xx from the cloud), raw bytes and
/// reason, kept for the hospital's IT: nothing is silently dropped.</item>
/// <item><c>journal.log</c>: one line per event (received, sent, rejected), for audits and support.</item>
/// </list>
/// </summary>
public sealed class ReportSpool
{
    private readonly SemaphoreSlim _journalGate = new(1, 1);
    private readonly SemaphoreSlim _work = new(0, int.MaxValue);
    private readonly TimeProvider _clock;
    private readonly ILogger<ReportSpool> _logger;

    public ReportSpool(string root, TimeProvider clock, ILogger<ReportSpool> logger)
    {
        Root = root;
        _clock = clock;
        _logger = logger;
        Directory.CreateDirectory(PendingDirectory);
        Directory.CreateDirectory(RejectedDirectory);
        foreach (var partial in Directory.EnumerateFiles(PendingDirectory, "*.tmp"))
        {
            // Never acknowledged (the ACK follows the rename): the RIS still holds the message and sends it again.
            _logger.LogWarning("Removing {File}: its reception was interrupted before the acknowledgment.", Path.GetFileName(partial));
            File.Delete(partial);
        }
    }

    public string Root { get; }
    public string PendingDirectory => Path.Combine(Root, "pending");
    public string RejectedDirectory => Path.Combine(Root, "rejected");
    public string JournalPath => Path.Combine(Root, "journal.log");

    /// <summary>Stores a message durably; when this returns, the message may be acknowledged.</summary>
    public async Task<SpooledReport> AcceptAsync(byte[] message, string controlId, string type, CancellationToken cancellationToken)
    {
        var id = NewId();
        var path = Path.Combine(PendingDirectory, id + ".hl7");
        await WriteDurablyAsync(path, message, cancellationToken);
        await JournalAsync("received", id, $"type={type} control={controlId} bytes={message.Length} sha256={Sha256(message)}", cancellationToken);
        _work.Release();
        return new SpooledReport(id, path, message.Length);
    }

    /// <summary>Keeps a refused message and the reason (the sender was answered AE/AR).</summary>
    public async Task RejectAsync(byte[] raw, string reason, string? controlId, CancellationToken cancellationToken)
    {
        var id = NewId();
        await WriteDurablyAsync(Path.Combine(RejectedDirectory, id + ".hl7"), raw, cancellationToken);
        await WriteDurablyAsync(Path.Combine(RejectedDirectory, id + ".txt"), Encoding.UTF8.GetBytes($"refused by the forwarder: {reason}\n"), cancellationToken);
        await JournalAsync("rejected", id, $"control={controlId ?? "-"} bytes={raw.Length} reason={OneLine(reason)}", cancellationToken);
    }

    /// <summary>Pending messages, oldest first.</summary>
    public IReadOnlyList<SpooledReport> Pending() =>
        Directory.EnumerateFiles(PendingDirectory, "*.hl7")
            .Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p))
            .Where(f => f.Exists)
            .Select(f => new SpooledReport(Path.GetFileNameWithoutExtension(f.Name), f.FullName, f.Length))
            .ToList();

    /// <summary>The cloud confirmed the message: it leaves the spool.</summary>
    public async Task MarkSentAsync(SpooledReport report, string cloudReference, CancellationToken cancellationToken)
    {
        await JournalAsync("sent", report.Id, $"cloud={cloudReference}", cancellationToken);
        File.Delete(report.Path);
    }

    /// <summary>The cloud refused the message for good (4xx): it moves to rejected/ with the cloud's reason.</summary>
    public async Task MoveToRejectedAsync(SpooledReport report, string reason, CancellationToken cancellationToken)
    {
        await WriteDurablyAsync(Path.Combine(RejectedDirectory, report.Id + ".txt"), Encoding.UTF8.GetBytes($"refused by the cloud: {reason}\n"), cancellationToken);
        File.Move(report.Path, Path.Combine(RejectedDirectory, report.Id + ".hl7"), overwrite: true);
        await JournalAsync("cloud-rejected", report.Id, $"reason={OneLine(reason)}", cancellationToken);
    }

    /// <summary>Waits until a message is accepted or the timeout passes.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _work.WaitAsync(timeout, cancellationToken);

    private static async Task WriteDurablyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await file.WriteAsync(content, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path);
    }

    // The journal's fsync also commits the rename above on journaling file systems (ext4, XFS, NTFS).
    private async Task JournalAsync(string evt, string id, string detail, CancellationToken cancellationToken)
    {
        var line = $"{_clock.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}\t{evt}\t{id}\t{detail}\n";
        await _journalGate.WaitAsync(cancellationToken);
        try
        {
            await using var journal = new FileStream(JournalPath, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
            await journal.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
            journal.Flush(flushToDisk: true);
        }
        finally
        {
            _journalGate.Release();
        }
    }

    private string NewId() =>
        $"{_clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}"[..31];

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Replace('\t', ' ');
}
