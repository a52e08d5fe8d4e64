using System.CommandLine;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>
/// <c>drimcloud dicom …</c>: file tools (dump, json, convert, validate) and network tools (echo, store, find, move,
/// get, listen). Each family lives in its own file and adds its subcommands here.
/// </summary>
internal static partial class DicomCommand
{
    public static Command Create()
    {
        var dicom = new Command("dicom", "DICOM files and DICOM networking.");
        AddFileCommands(dicom);
        AddNetworkCommands(dicom);
        return dicom;
    }

    /// <summary>Implemented in DicomFileCommands.cs.</summary>
    static partial void AddFileCommands(Command dicom);

    /// <summary>Implemented in DicomNetworkCommands.cs.</summary>
    static partial void AddNetworkCommands(Command dicom);
}
