using System.CommandLine;
using DrimCloud.Dicom;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary>
/// <c>drimcloud dicom dump|json|convert|validate</c>. On bad input each prints one line, "FILE: offset N: reason",
/// and exits with 1; never a stack trace (see <see cref="DicomFileErrors"/>).
/// </summary>
internal static partial class DicomCommand
{
    static partial void AddFileCommands(Command dicom)
    {
        dicom.Subcommands.Add(DumpCommand());
        dicom.Subcommands.Add(JsonCommand());
        dicom.Subcommands.Add(ConvertCommand());
        dicom.Subcommands.Add(ValidateCommand());
    }

    private static Argument<FileInfo> FileArgument() => new("file") { Description = "DICOM file (Part 10, or a bare data set)." };

    private static Command DumpCommand()
    {
        var file = FileArgument();
        var command = new Command("dump", "Print the elements of a DICOM file, one per line (like dcmdump).") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            return DicomFileErrors.Run(parse, path, () =>
            {
                using var dicomFile = DicomFile.Open(path);
                DicomDumper.Write(parse.InvocationConfiguration.Output, dicomFile);
            });
        });
        return command;
    }

    private static Command JsonCommand()
    {
        var file = FileArgument();
        var bulkPrefix = new Option<string?>("--bulk-uri-prefix") { Description = "Write binary values of at least --bulk-threshold bytes as BulkDataURI = PREFIX/<tag path> instead of InlineBinary." };
        var threshold = new Option<int>("--bulk-threshold") { Description = "Smallest binary value (bytes) written as a BulkDataURI.", DefaultValueFactory = _ => 1024 };
        var indent = new Option<bool>("--indent") { Description = "Indent the JSON." };
        var command = new Command("json", "Print a DICOM file as DICOM JSON (PS3.18 Annex F) on standard output.") { file, bulkPrefix, threshold, indent };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            return DicomFileErrors.Run(parse, path, () =>
            {
                using var dicomFile = DicomFile.Open(path);
                var options = new DicomJsonOptions { BulkDataUriPrefix = parse.GetValue(bulkPrefix), BulkDataThreshold = parse.GetValue(threshold) };
                using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
                DicomJsonWriter.Write(stdout, dicomFile.Dataset, options, parse.GetValue(indent));
                stdout.WriteByte((byte)'\n');
            });
        });
        return command;
    }

    private static Command ConvertCommand()
    {
        var input = new Argument<FileInfo>("input") { Description = "DICOM file to convert." };
        var output = new Argument<FileInfo>("output") { Description = "File to write (replaced if it exists)." };
        var syntax = new Option<string>("--transfer-syntax", "-t")
        {
            Description = "Target transfer syntax UID (or ile, ele, ebe, deflate). Uncompressed syntaxes only.",
            Required = true,
        };
        var command = new Command("convert", "Write a DICOM file in another uncompressed transfer syntax.") { input, output, syntax };
        command.SetAction(parse =>
        {
            var inPath = parse.GetValue(input)!.FullName;
            var outPath = parse.GetValue(output)!.FullName;
            return DicomFileErrors.Run(parse, inPath, () =>
            {
                var target = DicomFileErrors.ParseTransferSyntax(parse.GetValue(syntax)!);
                if (string.Equals(inPath, outPath, StringComparison.Ordinal))
                {
                    throw new ArgumentException("output must differ from input (large values are read from the input while writing)");
                }

                using var dicomFile = DicomFile.Open(inPath);
                // Written beside the target and renamed, so a failed conversion never leaves half a file.
                var temporary = outPath + ".partial";
                try
                {
                    DicomWriter.Save(dicomFile, temporary, new DicomWriteOptions { TransferSyntax = target, FileFormat = DicomFileFormat.Part10 });
                    File.Move(temporary, outPath, overwrite: true);
                }
                finally
                {
                    File.Delete(temporary);
                }
            });
        });
        return command;
    }

    private static Command ValidateCommand()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "DICOM files to check.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check that files parse completely and that their UIDs are well formed; one line per file.") { files };
        command.SetAction(parse =>
        {
            var exit = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                var path = file.FullName;
                var result = DicomFileErrors.Run(parse, path, () =>
                {
                    using var dicomFile = DicomFile.Open(path);
                    DicomFileValidation.Check(dicomFile);
                    parse.InvocationConfiguration.Output.WriteLine($"{path}: OK ({dicomFile.TransferSyntax.Name}, {dicomFile.Dataset.Count} top-level elements)");
                });
                exit = Math.Max(exit, result);
            }

            return exit;
        });
        return command;
    }
}
