namespace DrimCloud.Forwarder.Cloud;

/// <summary>
/// What the forwarder last saw of the cloud, whichever component talked to it (token, upload, report relay,
/// heartbeat): the last successful contact and whether the credentials work. The status endpoint shows it.
/// </summary>
public sealed class CloudLinkStatus(TimeProvider clock)
{
    public const string Unknown = "unknown";
    public const string Ok = "ok";
    public const string CredentialsRejected = "credentials-rejected";
    public const string Unreachable = "unreachable";

    private readonly Lock _gate = new();
    // A token the API refused twice (revoked client, other identity server) must not be reported "ok" again just
    // because the identity server still issues tokens: only an API request it accepts clears that.
    private bool _refusedByApi;

    public string State { get; private set; } = Unknown;

    public DateTimeOffset? LastContactAt { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    /// <summary>Access tokens obtained since start: renewals show here (one per lifetime, less its margin).</summary>
    public long TokensIssued => Interlocked.Read(ref _tokensIssued);

    /// <summary>Requests the API answered 401 since start: a token renewed in time is never refused.</summary>
    public long TokensRefused => Interlocked.Read(ref _tokensRefused);

    private long _tokensIssued;
    private long _tokensRefused;

    /// <summary>The API answered 401 to a request with our token (expired, revoked, or from another identity server).</summary>
    public void TokenRefused() => Interlocked.Increment(ref _tokensRefused);

    /// <summary>The identity server issued a token.</summary>
    public void TokenIssued()
    {
        Interlocked.Increment(ref _tokensIssued);
        lock (_gate)
        {
            LastContactAt = clock.GetUtcNow();
            if (!_refusedByApi) State = Ok;
        }
    }

    /// <summary>The API answered a request with our token without refusing it (any status but 401).</summary>
    public void ApiAnswered()
    {
        lock (_gate)
        {
            LastContactAt = clock.GetUtcNow();
            _refusedByApi = false;
            State = Ok;
        }
    }

    /// <summary>The identity server refused the client, or the API refused a freshly issued token.</summary>
    public void Rejected(string error, bool byApi)
    {
        lock (_gate)
        {
            _refusedByApi |= byApi;
            State = CredentialsRejected;
            LastError = error;
            LastErrorAt = clock.GetUtcNow();
        }
    }

    /// <summary>No answer (network error, timeout, 5xx from a proxy).</summary>
    public void Failed(string error)
    {
        lock (_gate)
        {
            State = Unreachable;
            LastError = error;
            LastErrorAt = clock.GetUtcNow();
        }
    }
}
