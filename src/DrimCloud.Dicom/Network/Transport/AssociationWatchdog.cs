namespace DrimCloud.Dicom.Network;

/// <summary>
/// The upper layer timers of one connection (PS3.8 ARTIM, plus DIMSE and idle timeouts) as deadlines checked by
/// one periodic timer. Arming and disarming are two volatile writes, cheap enough to do around every socket read
/// and write; a per-operation CancellationTokenSource would cost a timer allocation each time.
/// When a deadline passes, <c>onExpired</c> runs once (it aborts the association and closes the socket, which
/// fails the pending I/O) and <see cref="Expired"/> tells the failing code which timer it was.
/// </summary>
internal sealed class AssociationWatchdog : IDisposable
{
    private const long Disarmed = long.MaxValue;
    private readonly Timer _timer;
    private readonly Action<DicomNetworkTimeoutException> _onExpired;
    private long _readDeadline = Disarmed;
    private long _writeDeadline = Disarmed;
    private long _handlerDeadline = Disarmed;
    private DicomTimeoutKind _readKind;
    private TimeSpan _readTimeout;
    private TimeSpan _writeTimeout;
    private int _fired;

    public AssociationWatchdog(TimeSpan resolution, Action<DicomNetworkTimeoutException> onExpired)
    {
        _onExpired = onExpired;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(resolution.TotalMilliseconds, 20, 500));
        _timer = new Timer(static state => ((AssociationWatchdog)state!).Check(), this, period, period);
    }

    /// <summary>The timeout that fired, or null.</summary>
    public DicomNetworkTimeoutException? Expired { get; private set; }

    /// <summary>Picks a timer resolution fine enough for the shortest finite timeout.</summary>
    public static TimeSpan ResolutionFor(params TimeSpan[] timeouts)
    {
        var shortest = timeouts.Where(t => t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan).DefaultIfEmpty(TimeSpan.FromSeconds(4)).Min();
        return shortest / 8;
    }

    public void ArmRead(DicomTimeoutKind kind, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
        {
            DisarmRead();
            return;
        }
        _readKind = kind;
        _readTimeout = timeout;
        Volatile.Write(ref _readDeadline, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
    }

    public void DisarmRead() => Volatile.Write(ref _readDeadline, Disarmed);

    /// <summary>
    /// Moves the deadline of a read already waiting (e.g. an idle wait that became a wait for a response).
    /// Compare-and-swap so a read that just finished and disarmed is not re-armed behind its back.
    /// </summary>
    public void RearmReadIfArmed(DicomTimeoutKind kind, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
            return;
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var current = Volatile.Read(ref _readDeadline);
            if (current == Disarmed)
                return;
            _readKind = kind;
            _readTimeout = timeout;
            if (Interlocked.CompareExchange(ref _readDeadline, deadline, current) == current)
                return;
        }
    }

    public void ArmWrite(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
            return;
        _writeTimeout = timeout;
        Volatile.Write(ref _writeDeadline, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
    }

    public void DisarmWrite() => Volatile.Write(ref _writeDeadline, Disarmed);

    /// <summary>
    /// Deadline for local work done on the association's behalf (a storage handler): refreshed as the handler
    /// reads its dataset, so only a handler that stops making progress for the DIMSE timeout trips it. While a
    /// handler runs nothing reads the socket, so without this a stuck handler would hold the association forever.
    /// </summary>
    public void ArmHandler(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
            return;
        _writeTimeout = timeout;
        Volatile.Write(ref _handlerDeadline, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
    }

    public void DisarmHandler() => Volatile.Write(ref _handlerDeadline, Disarmed);

    private void Check()
    {
        var now = Environment.TickCount64;
        if (now >= Volatile.Read(ref _readDeadline))
            Fire(new DicomNetworkTimeoutException(_readKind, _readTimeout));
        else if (now >= Volatile.Read(ref _writeDeadline) || now >= Volatile.Read(ref _handlerDeadline))
            Fire(new DicomNetworkTimeoutException(DicomTimeoutKind.Dimse, _writeTimeout));
    }

    private void Fire(DicomNetworkTimeoutException expired)
    {
        if (Interlocked.Exchange(ref _fired, 1) != 0)
            return;
        Expired = expired;
        _timer.Dispose();
        _onExpired(expired);
    }

    public void Dispose() => _timer.Dispose();
}
