using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// A DICOM listener (SCP): accepts connections and serves each association on its own task. At most
/// <see cref="DicomListenerOptions.MaxAssociations"/> are established at once; a request beyond that is answered
/// with A-ASSOCIATE-RJ (transient, local limit exceeded). Connections waiting for their A-ASSOCIATE-RQ are bounded
/// too, and each is timed by ARTIM, so a flood or a silent client never blocks the others.
/// </summary>
public sealed class DicomListener : IAsyncDisposable
{
    private readonly DicomListenerOptions _options;
    private readonly ServerNegotiator _negotiator;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<DicomServerAssociation, Task> _sessions = new();
    private readonly Task _acceptLoop;
    private int _established;
    private int _connections;
    private long _accepted;
    private long _rejected;
    private long _refusedAtAccept;

    private DicomListener(DicomListenerOptions options, Socket socket)
    {
        _options = options;
        _negotiator = new ServerNegotiator(options);
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    public int Port => LocalEndPoint.Port;

    public string AeTitle => _options.AeTitle;

    /// <summary>Associations currently established.</summary>
    public int ActiveAssociations => Volatile.Read(ref _established);

    /// <summary>Associations accepted since start.</summary>
    public long AcceptedAssociations => Interlocked.Read(ref _accepted);

    /// <summary>Association requests rejected because of the limit since start.</summary>
    public long RejectedForLimit => Interlocked.Read(ref _rejected);

    /// <summary>Connections closed at accept (beyond the limit and the rejection allowance).</summary>
    public long RefusedConnections => Interlocked.Read(ref _refusedAtAccept);

    /// <summary>Binds and starts accepting.</summary>
    public static DicomListener Start(DicomListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AssociatePduCodec.ValidateAeTitle(options.AeTitle, "listener");
        if (options.MaxAssociations < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAssociations must be at least 1.");
        var socket = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(options.BindAddress, options.Port));
            socket.Listen(Math.Max(128, options.MaxAssociations * 2));
            return new DicomListener(options, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync()
    {
        var maxConnections = _options.MaxAssociations + Math.Max(0, _options.MaxPendingRejections);
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // e.g. the peer reset before accept completed, or file descriptors ran out: keep serving others.
                _options.Log.Write(DicomLogLevel.Warning, $"Accept failed: {e.Message}");
                await Task.Delay(10);
                continue;
            }

            if (Interlocked.Increment(ref _connections) > maxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Interlocked.Increment(ref _refusedAtAccept);
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        DicomServerAssociation? session = null;
        try
        {
            var connection = await DicomConnection.AcceptAsync(client, _options.Timeouts, _options.Tls, _stopping.Token);
            session = new DicomServerAssociation(connection, _options, _negotiator, _stopping.Token);
            var run = session.RunAsync(TryAcquireSlot, ReleaseSlot);
            _sessions[session] = run;
            await run;
        }
        catch (Exception e) when (e is DicomNetworkException or OperationCanceledException or IOException)
        {
            _options.Log.Write(DicomLogLevel.Information, $"Connection from {SafeRemote(client)} dropped: {e.Message}");
            client.Dispose();
        }
        catch (Exception e)
        {
            // Nothing may escape a connection's task: the listener must keep serving the others.
            _options.Log.Write(DicomLogLevel.Error, $"Connection from {SafeRemote(client)} failed unexpectedly.", e);
            client.Dispose();
        }
        finally
        {
            if (session is not null)
                _sessions.TryRemove(session, out _);
            Interlocked.Decrement(ref _connections);
        }
    }

    private bool TryAcquireSlot()
    {
        while (true)
        {
            var current = Volatile.Read(ref _established);
            if (current >= _options.MaxAssociations)
            {
                Interlocked.Increment(ref _rejected);
                return false;
            }
            if (Interlocked.CompareExchange(ref _established, current + 1, current) == current)
            {
                Interlocked.Increment(ref _accepted);
                return true;
            }
        }
    }

    private void ReleaseSlot() => Interlocked.Decrement(ref _established);

    private static string SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (ObjectDisposedException)
        {
            return "?";
        }
    }

    /// <summary>
    /// Stops accepting, lets established associations finish for up to <paramref name="drain"/>, then aborts the
    /// rest.
    /// </summary>
    public async Task StopAsync(TimeSpan drain = default)
    {
        if (!_stopping.IsCancellationRequested)
        {
            _socket.Dispose();
            if (drain > TimeSpan.Zero)
            {
                try
                {
                    await Task.WhenAll(_sessions.Values).WaitAsync(drain);
                }
                catch (TimeoutException)
                {
                    // Whatever is still running gets aborted below.
                }
            }
            await _stopping.CancelAsync();
        }
        await _acceptLoop;
        await Task.WhenAll(_sessions.Values);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }
}
