using System.CommandLine;
using DrimCloud.Cli.Commands;
using DrimCloud.Cli.Commands.Dicom;

var root = new RootCommand("drimcloud — DrimCloud command-line tool (DICOM files and networking, database, forwarder).");
root.Subcommands.Add(VersionCommand.Create());
root.Subcommands.Add(DatabaseCommands.Create());
root.Subcommands.Add(DicomCommand.Create());
root.Subcommands.Add(ForwarderCommands.Create());
return await root.Parse(args).InvokeAsync();
