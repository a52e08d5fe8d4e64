using System.CommandLine;
using System.Diagnostics;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>
/// <c>drimcloud dicom echo|store|find|move|get|listen</c>: test a PACS link without other tools. Options follow
/// DCMTK's spirit: <c>--aet</c> is our AE title, <c>--call</c> the peer's.
/// </summary>
internal static partial class DicomCommand
{
    static partial void AddNetworkCommands(Command dicom)
    {
        dicom.Subcommands.Add(CreateEcho());
        dicom.Subcommands.Add(CreateStore());
        dicom.Subcommands.Add(DicomNetworkQueryCommands.CreateFind());
        dicom.Subcommands.Add(DicomNetworkQueryCommands.CreateMove());
        dicom.Subcommands.Add(DicomNetworkQueryCommands.CreateGet());
        dicom.Subcommands.Add(DicomNetworkListen.Create());
    }

    private static Command CreateEcho()
    {
        var options = new DicomNetworkOptions();
        var echo = new Command("echo", "Send a C-ECHO (DICOM ping) to a peer.");
        options.AddClientOptions(echo);
        echo.SetAction((parse, cancellationToken) => DicomNetworkConsole.RunAsync(parse, async output =>
        {
            var client = options.Client(parse);
            var clock = Stopwatch.StartNew();
            var status = await DicomClient.EchoAsync(client, cancellationToken);
            await output.WriteLineAsync($"C-ECHO {client.CalledAeTitle}@{client.Host}:{client.Port}: {status} in {clock.ElapsedMilliseconds} ms");
            return status.IsSuccess ? 0 : 1;
        }));
        return echo;
    }

    private static Command CreateStore()
    {
        var options = new DicomNetworkOptions();
        var inputs = new Argument<string[]>("paths") { Description = "DICOM files, or folders scanned recursively.", Arity = ArgumentArity.OneOrMore };
        var window = new Option<ushort>("--async") { Description = "Requests kept outstanding at once, if the peer agrees (asynchronous operations window).", DefaultValueFactory = _ => 1 };
        var store = new Command("store", "Send DICOM files to a peer by C-STORE, each in its own transfer syntax (nothing is transcoded).") { inputs, window };
        options.AddClientOptions(store);
        store.SetAction((parse, cancellationToken) => DicomNetworkConsole.RunAsync(parse, async output =>
        {
            var error = parse.InvocationConfiguration.Error;
            var verbose = parse.GetValue(options.Verbose);
            var items = new List<DicomStoreItem>();
            var skipped = 0;
            foreach (var path in ExpandInputs(parse.GetValue(inputs)!))
            {
                try
                {
                    items.Add(DicomStoreItem.FromFile(path));
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    skipped++;
                    await error.WriteLineAsync($"skipped {e.Message}");
                }
            }
            if (items.Count == 0)
                throw new ArgumentException("No DICOM file to send.");

            var requested = parse.GetValue(window);
            var client = options.Client(parse, requested > 1 ? new AsyncOperationsWindow(requested, 1) : null);
            var clock = Stopwatch.StartNew();
            var progress = new SynchronousProgress<DicomStoreResult>(result =>
            {
                if (verbose || !result.IsSuccess)
                    (result.IsSuccess ? output : error).WriteLine(result.ToString());
            });
            var results = await DicomClient.StoreAsync(client, items, progress, cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;

            var stored = results.Count(r => r.IsSuccess);
            var bytes = items.Sum(i => new FileInfo(i.SourcePath!).Length);
            await output.WriteLineAsync($"Stored {stored} of {items.Count} instances to {client.CalledAeTitle}@{client.Host}:{client.Port} in {seconds:0.00} s " +
                $"({stored / Math.Max(seconds, 1e-6):0.0} instances/s, {bytes / 1e6 / Math.Max(seconds, 1e-6):0.0} MB/s){(skipped > 0 ? $", {skipped} non-DICOM files skipped" : "")}.");
            return stored == items.Count ? 0 : 1;
        }));
        return store;
    }

    /// <summary>Files as given, and the files under folders, in a stable order.</summary>
    private static IEnumerable<string> ExpandInputs(IEnumerable<string> inputs)
    {
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (var file in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    yield return file;
            }
            else if (File.Exists(input))
            {
                yield return input;
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {input}");
            }
        }
    }

    /// <summary>Progress reported on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock)
                report(value);
        }
    }
}
