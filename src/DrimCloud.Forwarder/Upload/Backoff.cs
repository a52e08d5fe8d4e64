namespace DrimCloud.Forwarder.Upload;

/// <summary>
/// Exponential back-off with jitter: the n-th consecutive failure waits between half and all of min·2ⁿ⁻¹ (capped at
/// max), so forwarders that lost the cloud together do not all come back in the same second.
/// </summary>
public sealed class Backoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    public int Failures { get; private set; }

    public TimeSpan NextDelay()
    {
        Failures++;
        var ceiling = Ceiling(Failures);
        return TimeSpan.FromTicks(ceiling.Ticks / 2 + (long)(_random.NextDouble() * (ceiling.Ticks / 2)));
    }

    /// <summary>The largest delay after <paramref name="failures"/> consecutive failures.</summary>
    public TimeSpan Ceiling(int failures)
    {
        var exponent = Math.Min(failures - 1, 30);
        var ticks = min.Ticks * Math.Pow(2, exponent);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    public void Reset() => Failures = 0;
}
