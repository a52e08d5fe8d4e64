using System.Net;
using System.Net.Http.Headers;
using DrimCloud.Forwarder.Cloud;
using DrimCloud.Forwarder.Spool;
using Microsoft.Extensions.Options;

namespace DrimCloud.Forwarder.Upload;

/// <summary>
/// Drains the spool to the cloud with STOW-RS: <see cref="UploadOptions.Concurrency"/> workers each take a batch of
/// one study's pending instances, stream it from the files, and settle each instance from the response: stored
/// (or already stored with the same content) → deleted from the spool; refused for good → quarantined; anything
/// else (network, 5xx, no answer for it) → back in the queue, and every worker pauses with exponential back-off.
/// Wakes as soon as an instance is spooled, so a study reaches the cloud while it is still arriving.
/// </summary>
public sealed class Uploader : BackgroundService
{
    private static readonly TimeSpan ConfigurationProblemPause = TimeSpan.FromMinutes(1);

    private readonly DicomSpool _spool;
    private readonly CloudTokenClient _tokens;
    private readonly ForwarderOptions _options;
    private readonly UploadStatus _status;
    private readonly TimeProvider _clock;
    private readonly ILogger<Uploader> _logger;
    private readonly TokenBucket _bandwidth;
    private readonly Backoff _backoff;
    private readonly Lock _pauseGate = new();
    private readonly HttpClient _http;
    private readonly CloudLinkStatus _link;
    private DateTimeOffset _resumeAt;
    private string? _problem;

    public Uploader(DicomSpool spool, CloudTokenClient tokens, IOptions<ForwarderOptions> options, UploadStatus status, TimeProvider clock,
        CloudLinkStatus link, ILogger<Uploader> logger)
    {
        _link = link;
        _spool = spool;
        _tokens = tokens;
        _options = options.Value;
        _status = status;
        _clock = clock;
        _logger = logger;
        _bandwidth = new TokenBucket(_options.Upload.BandwidthBytesPerSecond, clock);
        _backoff = new Backoff(_options.Upload.MinRetryDelay, _options.Upload.MaxRetryDelay);
        // Our own client, without the generic resilience handler: it would re-send a streamed body and cut long
        // uploads at its timeouts. Retries and back-off are this class's job.
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        })
        { Timeout = _options.Upload.RequestTimeout };
    }

    private Uri StowUri => CloudUris.Combine(_options.Cloud.ApiUrl!, $"tenants/{Uri.EscapeDataString(_options.Tenant)}/dicomweb/studies");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Upload.Concurrency).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = PauseRemaining();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _clock, stoppingToken);
                    continue;
                }
                var upload = _options.Upload;
                var batch = _spool.TakeBatch(new BatchLimits(upload.MaxInstancesPerRequest, upload.MaxBytesPerRequest, upload.BatchQuietTime, upload.BatchMaxWait,
                    upload.Concurrency), out var heldFor);
                if (batch is null)
                {
                    // Woken by the next arrival anyway; a held batch is looked at again when it may be ready.
                    await _spool.WaitForWorkAsync(heldFor > TimeSpan.Zero ? heldFor : TimeSpan.FromSeconds(5), stoppingToken);
                    continue;
                }
                // There may be more ready (the share of another uploader): let the next idle one look.
                _spool.Wake();
                await SendBatchAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A bug or a disk problem must not stop uploading for good.
                _logger.LogError(e, "Upload worker failed unexpectedly; continuing.");
                Pause("error", e.Message);
            }
        }
    }

    private async Task SendBatchAsync(IReadOnlyList<SpoolEntry> batch, CancellationToken stoppingToken)
    {
        var settled = false;
        try
        {
            var (status, body, bytes) = await PostWithTokenAsync(batch, stoppingToken);
            if (status is null) return; // problem already recorded; batch released in finally
            var code = (int)status.Value;
            if (code is 200 or 202 or 409 or 400 && body.Length > 0)
            {
                await SettleAsync(batch, StowResponse.Parse(body), code, bytes);
                settled = true;
                return;
            }
            var reason = code switch
            {
                403 => $"client '{_options.ClientId}' is not allowed to store into tenant '{_options.Tenant}' (403): check Forwarder:Tenant and Forwarder:ClientId",
                404 => $"tenant '{_options.Tenant}' or its DICOMweb endpoint was not found at {_options.Cloud.ApiUrl} (404)",
                _ => $"the cloud answered {code} to STOW-RS",
            };
            Pause(code is 403 or 404 ? "misconfigured" : "cloud-error", reason, code is 403 or 404 ? ConfigurationProblemPause : null);
        }
        catch (CredentialsRejectedException e)
        {
            Pause("credentials-rejected", $"credentials rejected: {e.Message}. Spooling continues; fix Forwarder:ClientId / Forwarder:ClientSecret.",
                ConfigurationProblemPause);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            _link.Failed($"STOW-RS to {_options.Cloud.ApiUrl}: {e.Message}");
            Pause("cloud-unreachable", $"cloud unreachable ({_options.Cloud.ApiUrl}): {e.Message}");
        }
        finally
        {
            if (!settled) _spool.Release(batch);
        }
    }

    /// <summary>POSTs the batch; on 401 the token is renewed once and the request sent again.</summary>
    private async Task<(HttpStatusCode? Status, string Body, long Bytes)> PostWithTokenAsync(IReadOnlyList<SpoolEntry> batch, CancellationToken cancellationToken)
    {
        var files = batch.Select(e => (_spool.PathOf(e), e.Length)).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var token = await _tokens.GetTokenAsync(cancellationToken);
            var content = new StowContent(files, _bandwidth);
            using var request = new HttpRequestMessage(HttpMethod.Post, StowUri) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd("application/dicom+json");
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                if ((int)response.StatusCode < 500) _link.ApiAnswered();
                else _link.Failed($"STOW-RS answered {(int)response.StatusCode}");
                return (response.StatusCode, body, content.BytesWritten);
            }
            _tokens.Invalidate(token);
            if (attempt == 2)
            {
                _link.Rejected($"the API refused a new access token of client '{_options.ClientId}' (401): revoked or disabled?", byApi: true);
                Pause("credentials-rejected", $"the cloud refused the access token of client '{_options.ClientId}' twice (401): the client may be disabled or bound to another identity server ({_options.Cloud.IdentityUrl}). Spooling continues.",
                    ConfigurationProblemPause);
                return (null, "", 0);
            }
        }
    }

    private async Task SettleAsync(IReadOnlyList<SpoolEntry> batch, StowResponse answer, int code, long bytes)
    {
        var confirmed = new List<SpoolEntry>();
        var retry = 0;
        foreach (var entry in batch)
        {
            if (answer.Stored.Contains(entry.SopInstanceUid))
            {
                confirmed.Add(entry);
            }
            else if (answer.Failed.TryGetValue(entry.SopInstanceUid, out var reason) && StowFailure.IsPermanent(reason))
            {
                var text = $"STOW-RS failure reason {reason:X4}: {StowFailure.Describe(reason)}";
                _logger.LogError("The cloud refused instance {Sop} of study {Study} for good ({Reason}); moved to the spool's failed/ folder.",
                    entry.SopInstanceUid, entry.StudyInstanceUid, text);
                await _spool.QuarantineAsync(entry, text);
            }
            else
            {
                retry++;
            }
        }
        if (confirmed.Count > 0)
        {
            await _spool.ConfirmAsync(confirmed);
            _status.Succeeded(confirmed.Count, confirmed.Sum(e => e.Length), _clock.GetUtcNow());
        }
        if (retry > 0)
        {
            Pause("cloud-error", $"the cloud did not store {retry} of {batch.Count} instances (HTTP {code}); they will be sent again");
        }
        else
        {
            lock (_pauseGate)
            {
                if (_problem is not null)
                    _logger.LogInformation("Uploading to {Api} again after: {Problem}", _options.Cloud.ApiUrl, _problem);
                _problem = null;
                _backoff.Reset();
            }
        }
        _logger.LogDebug("STOW-RS of {Count} instances ({Bytes} bytes): HTTP {Code}, {Confirmed} stored, {Retry} to retry.", batch.Count, bytes, code, confirmed.Count, retry);
    }

    /// <summary>Every worker waits before the next request: back-off after a failure, or a fixed pause for a configuration problem.</summary>
    private void Pause(string state, string problem, TimeSpan? fixedDelay = null)
    {
        DateTimeOffset resume;
        lock (_pauseGate)
        {
            var now = _clock.GetUtcNow();
            if (_resumeAt > now) return; // another worker already decided the pause for the same outage
            var delay = fixedDelay ?? _backoff.NextDelay();
            _resumeAt = resume = now + delay;
            var level = _problem == problem ? LogLevel.Information : state is "credentials-rejected" or "misconfigured" ? LogLevel.Error : LogLevel.Warning;
            _problem = problem;
            _status.Failed(state, problem, now, resume);
            _logger.Log(level, "Upload paused: {Problem}. Retrying in {Seconds:0.0} s; {Pending} instances wait in the spool.",
                problem, delay.TotalSeconds, _spool.Snapshot().PendingInstances);
        }
    }

    private TimeSpan PauseRemaining()
    {
        lock (_pauseGate) return _resumeAt - _clock.GetUtcNow();
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
