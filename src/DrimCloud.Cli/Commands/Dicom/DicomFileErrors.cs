using System.CommandLine;
using DrimCloud.Dicom;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>Turns every failure of a file command into one line on standard error and exit code 1.</summary>
internal static class DicomFileErrors
{
    public static int Run(ParseResult parse, string path, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (DicomFormatException e)
        {
            var where = e.Offset >= 0 ? $"offset {e.Offset}: " : string.Empty;
            parse.InvocationConfiguration.Error.WriteLine($"{path}: {where}{e.Reason}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            parse.InvocationConfiguration.Error.WriteLine($"{path}: {e.Message}");
        }

        return 1;
    }

    public static DicomTransferSyntax ParseTransferSyntax(string text)
    {
        var uid = text.Trim().ToLowerInvariant() switch
        {
            "ile" or "implicit" => DicomTransferSyntax.ImplicitVRLittleEndian.Uid,
            "ele" or "explicit" => DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
            "ebe" or "big" => DicomTransferSyntax.ExplicitVRBigEndian.Uid,
            "deflate" or "deflated" => DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid,
            _ => text.Trim(),
        };
        var syntax = DicomTransferSyntax.FromUid(uid);
        if (!syntax.IsKnown)
        {
            throw new ArgumentException($"unknown transfer syntax '{text}'");
        }

        if (!syntax.IsUncompressed)
        {
            throw new ArgumentException($"{syntax.Name} is a compressed transfer syntax; only uncompressed ones (and deflate) can be written");
        }

        return syntax;
    }
}
