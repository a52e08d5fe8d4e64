using System.CommandLine;
using System.Net;
using DrimCloud.Dicom.Network;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>
/// <c>drimcloud dicom listen</c>: a Storage SCP writing each received instance to a folder as
/// &lt;SOP Instance UID&gt;.dcm (Part 10, the sender's transfer syntax, flushed to disk before success is answered).
/// Runs until Ctrl+C or SIGTERM.
/// </summary>
internal static class DicomNetworkListen
{
    public static Command Create()
    {
        var options = new DicomNetworkOptions();
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder receiving the instances.", Required = true };
        var bind = new Option<string>("--bind") { Description = "Address to listen on.", DefaultValueFactory = _ => "0.0.0.0" };
        var maxAssociations = new Option<int>("--max-associations") { Description = "Associations served at once; more are rejected (transient).", DefaultValueFactory = _ => 64 };
        var allowCalling = new Option<string[]>("--allow-calling") { Description = "Only these calling AE titles may associate (repeat the option)." };
        var anyCalled = new Option<bool>("--accept-any-called") { Description = "Accept requests whatever called AE title they name." };
        var acceptUnknown = new Option<bool>("--accept-unknown-sop-classes") { Description = "Also store private SOP classes." };
        var noFsync = new Option<bool>("--no-fsync") { Description = "Do not flush each file to disk before answering success (faster, not crash-safe)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not print each received instance." };
        var listen = new Command("listen", "Run a Storage SCP (and C-ECHO) that writes received instances into a folder.")
        {
            folder, bind, maxAssociations, allowCalling, anyCalled, acceptUnknown, noFsync, quiet,
        };
        foreach (var option in new Option[] { options.AeTitle, options.Port, options.Timeout, options.AssociationTimeout, options.MaxPdu, options.TlsCertificate, options.TlsKey, options.TlsCa, options.Verbose })
            listen.Options.Add(option);

        listen.SetAction((parse, cancellationToken) => DicomNetworkConsole.RunAsync(parse, async output =>
        {
            var target = parse.GetValue(folder)!;
            var storage = new DicomFolderStorageHandler(target.FullName, new DicomFolderStorageOptions { Fsync = !parse.GetValue(noFsync) });
            if (!parse.GetValue(quiet))
                storage.Stored += file => output.WriteLine($"{file.Request.CallingAeTitle} -> {Path.GetFileName(file.Path)} ({file.DataSetLength} bytes, {file.Request.TransferSyntaxUid})");
            var allowed = parse.GetValue(allowCalling);
            var listenerOptions = new DicomListenerOptions
            {
                AeTitle = parse.GetValue(options.AeTitle)!,
                BindAddress = IPAddress.Parse(parse.GetValue(bind)!),
                Port = parse.GetValue(options.Port),
                MaxAssociations = parse.GetValue(maxAssociations),
                CheckCalledAeTitle = !parse.GetValue(anyCalled),
                AllowedCallingAeTitles = allowed is { Length: > 0 } ? new HashSet<string>(allowed, StringComparer.Ordinal) : null,
                AcceptUnknownSopClassesForStorage = parse.GetValue(acceptUnknown),
                Timeouts = options.Timeouts(parse),
                MaxPduLength = parse.GetValue(options.MaxPdu),
                Tls = options.ServerTls(parse),
                Storage = storage,
                Log = new DicomNetworkConsole.ErrorLog(parse.InvocationConfiguration.Error, parse.GetValue(options.Verbose)),
            };

            await using var listener = DicomListener.Start(listenerOptions);
            await output.WriteLineAsync($"Listening as {listener.AeTitle} on {listener.LocalEndPoint}, writing to {target.FullName} (Ctrl+C to stop).");
            await output.FlushAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop accepting, let running associations finish briefly.
            }
            await listener.StopAsync(TimeSpan.FromSeconds(5));
            await output.WriteLineAsync($"Stopped: {storage.InstancesStored} instances, {DicomNetworkConsole.Megabytes(storage.BytesStored)} received over {listener.AcceptedAssociations} associations.");
            return 0;
        }));
        return listen;
    }
}
