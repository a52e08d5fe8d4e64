using System.Net;
using System.Net.Sockets;
using DrimCloud.Hl7.Ack;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Mllp;
using DrimCloud.Hl7.Reports;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Reports;

/// <summary>
/// The HL7 v2 MLLP listener the RIS sends its report messages to (ORU^R01, MDM^T02/T10/T04). Each message is validated
/// as the cloud will validate it, then durably spooled, and only then acknowledged <c>AA</c>. A message that cannot be
/// used gets <c>AE</c> (malformed) or <c>AR</c> (unsupported type, event or version) with the reason in MSA-3 and ERR,
/// and its bytes go to the spool's rejected/ folder. If the spool cannot be written the answer is <c>AE</c>: the RIS
/// keeps the message and sends it again.
/// </summary>
public sealed class MllpReportListener(IOptions<Hl7ListenerOptions> options, ReportSpool spool, TimeProvider clock,
    ILogger<MllpReportListener> logger) : BackgroundService
{
    private static readonly TimeSpan BindRetry = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connections;

    /// <summary>Completes with the bound address once the listener accepts connections (port 0 picks a free port).</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.LogInformation("The HL7 report listener is disabled (Forwarder:Hl7:Enabled = false).");
            return;
        }
        var endpoint = new IPEndPoint(IPAddress.Parse(o.BindAddress), o.Port);
        while (!stoppingToken.IsCancellationRequested)
        {
            var listener = new TcpListener(endpoint);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                // Another program holds the port: say so and keep trying; the DICOM side of the forwarder keeps working.
                logger.LogError("Cannot listen for HL7 on {Endpoint}: {Reason}. Retrying in {Seconds} s.", endpoint, e.Message, BindRetry.TotalSeconds);
                try { await Task.Delay(BindRetry, stoppingToken); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            var bound = (IPEndPoint)listener.LocalEndpoint;
            logger.LogInformation("Listening for HL7 v2 report messages (MLLP) on {Endpoint}; spool {Spool}.", bound, spool.Root);
            _listening.TrySetResult(bound);
            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(stoppingToken);
                    if (Interlocked.Increment(ref _connections) > o.MaxConnections)
                    {
                        Interlocked.Decrement(ref _connections);
                        logger.LogWarning("Refused an HL7 connection from {Peer}: {Max} connections already open.", client.Client.RemoteEndPoint, o.MaxConnections);
                        client.Dispose();
                        continue;
                    }
                    _ = Task.Run(() => ServeAsync(client, stoppingToken), CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                listener.Stop();
            }
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        var o = options.Value;
        var peer = client.Client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new MllpReader(stream, o.MaxMessageBytes);
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    idle.CancelAfter(o.IdleTimeout);
                    byte[]? frame;
                    try
                    {
                        frame = await reader.ReadMessageAsync(idle.Token);
                    }
                    catch (MllpFramingException e)
                    {
                        logger.LogWarning("HL7 connection from {Peer}: {Reason} Closing it.", peer, e.Message);
                        if (e.PartialFrame is { Length: > 0 } partial)
                        {
                            await KeepRejectedAsync(partial, e.Message, null);
                            await MllpWriter.WriteAsync(stream, Hl7Ack.Build(TryParseHeader(partial), AckCode.AE, e.Message,
                                Hl7ErrorCode.ApplicationInternalError, null, clock.GetLocalNow()), stoppingToken);
                        }
                        return;
                    }
                    if (frame is null) return;
                    var ack = await ProcessAsync(frame, peer, stoppingToken);
                    await MllpWriter.WriteAsync(stream, ack, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Idle timeout or shutdown: a message being read was not acknowledged, so the RIS still has it.
        }
        catch (IOException e)
        {
            logger.LogInformation("HL7 connection from {Peer} ended: {Reason}", peer, e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>Validates, spools and builds the acknowledgment of one message.</summary>
    public async Task<byte[]> ProcessAsync(byte[] frame, string peer, CancellationToken cancellationToken)
    {
        var limits = new Hl7ParseLimits { MaxMessageBytes = options.Value.MaxMessageBytes };
        Hl7Message? message = null;
        try
        {
            message = Hl7Parser.Parse(frame, limits);
            ReportMessageReader.Read(message);
        }
        catch (Hl7Exception e)
        {
            var code = e.IsRejection ? AckCode.AR : AckCode.AE;
            message ??= TryParseHeader(frame);
            logger.LogWarning("HL7 {Type} {Control} from {Peer} answered {Code}: {Reason}",
                message?.TypeLabel ?? "(unreadable)", message?.ControlId ?? "-", peer, code, e.Message);
            await KeepRejectedAsync(frame, e.Message, message?.ControlId);
            return Hl7Ack.Build(message, code, e.Message, e.Code, e.Location, clock.GetLocalNow());
        }

        try
        {
            var spooled = await spool.AcceptAsync(frame, message.ControlId, message.TypeLabel, cancellationToken);
            logger.LogInformation("HL7 {Type} {Control} from {Peer} spooled as {Id} ({Bytes} bytes).",
                message.TypeLabel, message.ControlId, peer, spooled.Id, frame.Length);
            return Hl7Ack.Build(message, AckCode.AA, null, null, null, clock.GetLocalNow());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "Could not spool HL7 {Type} {Control}: answering AE so that the RIS sends it again.", message.TypeLabel, message.ControlId);
            return Hl7Ack.Build(message, AckCode.AE, "The forwarder could not store the message; send it again later.",
                Hl7ErrorCode.ApplicationInternalError, null, clock.GetLocalNow());
        }
    }

    private async Task KeepRejectedAsync(byte[] raw, string reason, string? controlId)
    {
        try
        {
            await spool.RejectAsync(raw, reason, controlId, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "Could not keep a refused HL7 message in {Folder}.", spool.RejectedDirectory);
        }
    }

    // For the ACK of a message that failed later: its MSH alone may still give the control id and the sender.
    private static Hl7Message? TryParseHeader(byte[] frame)
    {
        var span = frame.AsSpan();
        var end = span.IndexOfAny((byte)'\r', (byte)'\n');
        try
        {
            return Hl7Parser.Parse(end < 0 ? span : span[..end]);
        }
        catch (Hl7Exception)
        {
            return null;
        }
    }
}
