using System.CommandLine;
using System.Security.Cryptography;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>Console plumbing of the network commands: one-line errors instead of stack traces, and an event log.</summary>
internal static class DicomNetworkConsole
{
    /// <summary>Runs a command body; expected failures become "drimcloud: message" and exit code 1.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(parse.InvocationConfiguration.Output);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("drimcloud: cancelled.");
            return 130;
        }
        catch (Exception e) when (e is DicomNetworkException or IOException or InvalidDataException or ArgumentException
            or UnauthorizedAccessException or CryptographicException or DicomFormatException or FormatException)
        {
            await error.WriteLineAsync($"drimcloud: {e.Message}");
            return 1;
        }
    }

    /// <summary>Association events on standard error, time-stamped.</summary>
    public sealed class ErrorLog(TextWriter error, bool verbose) : IDicomNetworkLog
    {
        public void Write(DicomLogLevel level, string message, Exception? exception = null)
        {
            if (level < DicomLogLevel.Warning && !verbose)
                return;
            lock (error)
                error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {level.ToString().ToUpperInvariant()[0]}: {message}{(exception is null ? "" : " " + exception.Message)}");
        }
    }

    public static string Megabytes(long bytes) => $"{bytes / 1e6:0.0} MB";
}
