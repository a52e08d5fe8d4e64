using System.CommandLine;
using DrimCloud.Cli.Commands;

var root = new RootCommand("drimcloud — DrimCloud command-line tool (DICOM files and networking, database, forwarder).");
root.Subcommands.Add(VersionCommand.Create());
root.Subcommands.Add(DatabaseCommands.Create());
return await root.Parse(args).InvokeAsync();
