using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// One transport connection (TCP, optionally TLS) with its PDU reader and writer and its timers. Owns the
/// closing rules: an abort is sent between PDUs when possible, and a connection is closed only after the peer
/// has had a chance to read the last PDU (closing a socket with unread input makes Linux send a reset, which can
/// destroy an A-ABORT or A-RELEASE-RP still in flight).
/// </summary>
internal sealed class DicomConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly CancellationTokenSource _closed = new();
    private int _closeStarted;
    private volatile string? _abortDescription;

    private DicomConnection(Socket socket, Stream stream, DicomTimeouts timeouts)
    {
        _socket = socket;
        _stream = stream;
        Timeouts = timeouts;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        BoundaryTimer = (DicomTimeoutKind.Artim, timeouts.Artim);
        Watchdog = new AssociationWatchdog(AssociationWatchdog.ResolutionFor(timeouts.Artim, timeouts.Dimse, timeouts.Idle), OnTimerExpired);
        Reader = new PduReader(stream, this);
        Writer = new PduWriter(stream, this);
        if (stream is SslStream ssl)
        {
            IsTls = true;
            RemoteCertificate = ssl.RemoteCertificate;
        }
    }

    public PduReader Reader { get; }

    public PduWriter Writer { get; }

    public AssociationWatchdog Watchdog { get; }

    public DicomTimeouts Timeouts { get; }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    public bool IsTls { get; }

    public X509Certificate? RemoteCertificate { get; }

    /// <summary>The timer that applies while waiting for the first byte of a PDU between messages.</summary>
    public (DicomTimeoutKind Kind, TimeSpan Timeout) BoundaryTimer { get; set; }

    /// <summary>Cancelled when the connection closes, to wake anything waiting on it.</summary>
    public CancellationToken ClosedToken => _closed.Token;

    public bool IsClosed => _closed.IsCancellationRequested;

    // ---------------------------------------------------------------- opening

    public static async Task<DicomConnection> ConnectAsync(string host, int port, DicomTimeouts timeouts, DicomTlsClientOptions? tls, CancellationToken cancellationToken)
    {
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeouts.Connect > TimeSpan.Zero && timeouts.Connect != Timeout.InfiniteTimeSpan)
            connectTimeout.CancelAfter(timeouts.Connect);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
            try
            {
                await socket.ConnectAsync(host, port, connectTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DicomNetworkTimeoutException($"Connecting to {host}:{port} timed out after {timeouts.Connect.TotalSeconds:0.#} s.");
            }
            catch (SocketException e)
            {
                throw new DicomNetworkException($"Cannot connect to {host}:{port}: {e.Message}", e);
            }

            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (tls is not null)
                stream = await AuthenticateAsClientAsync(stream, host, tls, connectTimeout.Token);
            return new DicomConnection(socket, stream, timeouts);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<DicomConnection> AcceptAsync(Socket socket, DicomTimeouts timeouts, DicomTlsServerOptions? tls, CancellationToken cancellationToken)
    {
        Configure(socket);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (tls is not null)
        {
            // The handshake counts against ARTIM: a silent client must not hold a connection slot.
            using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshakeTimeout.CancelAfter(timeouts.Artim);
            stream = await AuthenticateAsServerAsync(stream, tls, handshakeTimeout.Token);
        }
        return new DicomConnection(socket, stream, timeouts);
    }

    private static void Configure(Socket socket)
    {
        // DIMSE is request/response with small commands: Nagle would delay each command PDU by up to 40 ms.
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
    }

    private static async Task<Stream> AuthenticateAsClientAsync(Stream inner, string host, DicomTlsClientOptions tls, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.TargetHost ?? host,
            EnabledSslProtocols = tls.Protocols,
            CertificateRevocationCheckMode = tls.RevocationMode,
            ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
            RemoteCertificateValidationCallback = tls.ValidationCallback,
            CertificateChainPolicy = ChainPolicy(tls.TrustedRoots, tls.RevocationMode),
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new DicomNetworkException($"TLS handshake with {host} failed: {e.Message}", e);
        }
    }

    private static async Task<Stream> AuthenticateAsServerAsync(Stream inner, DicomTlsServerOptions tls, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = tls.ServerCertificate,
            ClientCertificateRequired = tls.RequireClientCertificate,
            EnabledSslProtocols = tls.Protocols,
            CertificateRevocationCheckMode = tls.RevocationMode,
            CertificateChainPolicy = ChainPolicy(tls.TrustedClientRoots, tls.RevocationMode),
            RemoteCertificateValidationCallback = tls.ValidationCallback ?? ((_, _, _, errors) =>
                errors == SslPolicyErrors.None || (!tls.RequireClientCertificate && errors == SslPolicyErrors.RemoteCertificateNotAvailable)),
        };
        try
        {
            await ssl.AuthenticateAsServerAsync(options, cancellationToken);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            throw new DicomNetworkException($"TLS handshake failed: {e.Message}", e);
        }
    }

    private static X509ChainPolicy? ChainPolicy(X509Certificate2Collection? roots, X509RevocationMode revocation)
    {
        if (roots is null)
            return null;
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = revocation };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    // ---------------------------------------------------------------- failures and timers

    public static bool IsTransportFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or AuthenticationException;

    public void ArmReadTimer(bool atBoundary)
    {
        if (atBoundary)
            Watchdog.ArmRead(BoundaryTimer.Kind, BoundaryTimer.Timeout);
        else
            Watchdog.ArmRead(DicomTimeoutKind.Dimse, Timeouts.Dimse);
    }

    /// <summary>Turns a failed or ended read/write into the exception that says why.</summary>
    public Exception TranslateFailure(Exception? failure, string doing)
    {
        if (Watchdog.Expired is { } expired)
            return new DicomNetworkTimeoutException(expired.Kind, expired.Timeout);
        if (failure is DicomNetworkException)
            return failure;
        var why = _abortDescription ?? (failure is null ? "the peer closed the connection" : $"the connection failed ({failure.Message})");
        return failure is null
            ? new DicomAssociationAbortedException($"Association lost while {doing}: {why}.")
            : new DicomAssociationAbortedException($"Association lost while {doing}: {why}.", failure);
    }

    /// <summary>Records why the association ended, for the errors raised by I/O still pending on it.</summary>
    public void RecordAbort(string description) => _abortDescription ??= description;

    private void OnTimerExpired(DicomNetworkTimeoutException expired)
    {
        RecordAbort(expired.Message);
        // ARTIM expiry closes the transport (PS3.8 action AA-2); DIMSE and idle expiry abort the association.
        if (expired.Kind == DicomTimeoutKind.Artim)
            Close();
        else
            _ = AbortAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified, expired.Message);
    }

    // ---------------------------------------------------------------- closing

    /// <summary>Sends an A-ABORT (if it can be sent between PDUs within a second) and closes.</summary>
    public async Task AbortAsync(AbortSource source, AbortReason reason, string description)
    {
        RecordAbort(description);
        if (!IsClosed)
            await Writer.TryWriteUrgentAsync(AssociatePduCodec.EncodeAbort(source, reason), TimeSpan.FromSeconds(1));
        await CloseAfterPeerAsync(TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Half-closes, then waits (bounded) for the peer to close its side, discarding anything it still sends
    /// (PS3.8 state 13), and closes.
    /// </summary>
    public async Task CloseAfterPeerAsync(TimeSpan? wait = null)
    {
        if (IsClosed)
            return;
        var limit = wait ?? Timeouts.Artim;
        if (limit > TimeSpan.FromSeconds(5))
            limit = TimeSpan.FromSeconds(5);
        try
        {
            if (_stream is SslStream ssl)
                await ssl.ShutdownAsync().WaitAsync(limit);
            _socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(limit);
            var scratch = new byte[4096];
            while (await _socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (IsTransportFailure(e) || e is OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // Best effort: the connection is being closed anyway.
        }
        Close();
    }

    /// <summary>Closes at once, failing any pending I/O.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
            return;
        RecordAbort("the connection was closed");
        Watchdog.Dispose();
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on the closed token failed; closing must still complete.
        }
        _stream.Dispose();
        _socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Close();
        _closed.Dispose();
        return ValueTask.CompletedTask;
    }
}
