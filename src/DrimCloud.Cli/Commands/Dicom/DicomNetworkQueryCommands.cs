using System.CommandLine;
using System.Text;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;

namespace DrimCloud.Cli.Commands.Dicom;

/// <summary><c>find</c>, <c>move</c> and <c>get</c>: Query/Retrieve against a PACS, keys given as in findscu (<c>-k</c>).</summary>
internal static class DicomNetworkQueryCommands
{
    private sealed class QueryOptions
    {
        public DicomNetworkOptions Network { get; } = new();

        public Option<string> Level { get; } = new("--level") { Description = "Query/Retrieve level: PATIENT, STUDY, SERIES or IMAGE.", DefaultValueFactory = _ => "STUDY" };

        public Option<string> Model { get; } = new("--model") { Description = "Information model: study (Study Root) or patient (Patient Root).", DefaultValueFactory = _ => "study" };

        public Option<string[]> Keys { get; } = new("--key", "-k") { Description = "Key as Keyword=Value, (gggg,eeee)=Value, or Keyword alone to ask for it back.", AllowMultipleArgumentsPerToken = false };

        public Command Build(string name, string description)
        {
            var command = new Command(name, description) { Level, Model, Keys };
            Network.AddClientOptions(command);
            return command;
        }

        public DicomDataset Identifier(ParseResult parse) => DicomNetworkKeys.BuildIdentifier(parse.GetValue(Level)!, parse.GetValue(Keys) ?? []);

        public QueryRetrieveLevel.Model InformationModel(ParseResult parse) => DicomNetworkKeys.ParseModel(parse.GetValue(Model)!);
    }

    public static Command CreateFind()
    {
        var options = new QueryOptions();
        var json = new Option<bool>("--json") { Description = "Print the matches as a DICOM JSON array." };
        var find = options.Build("find", "Query a peer (C-FIND) and print the matches.");
        find.Options.Add(json);
        find.SetAction((parse, cancellationToken) => DicomNetworkConsole.RunAsync(parse, async output =>
        {
            var sopClass = QueryRetrieveLevel.FindSopClass(options.InformationModel(parse));
            var proposal = new AssociationProposal().Add(sopClass, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian);
            await using var association = await DicomClient.ConnectAsync(options.Network.Client(parse), proposal, cancellationToken);
            var asJson = parse.GetValue(json);
            var count = 0;
            if (asJson)
                await output.WriteAsync("[");
            await foreach (var match in association.FindAsync(sopClass, options.Identifier(parse), cancellationToken: cancellationToken))
            {
                if (asJson)
                    await output.WriteAsync((count == 0 ? "" : ",") + DicomJsonWriter.Serialize(match));
                else
                    await output.WriteAsync(Describe(match, ++count));
                if (asJson)
                    count++;
            }
            if (asJson)
                await output.WriteLineAsync("]");
            else
                await output.WriteLineAsync($"{count} match(es).");
            await association.ReleaseAsync(cancellationToken);
            return 0;
        }));
        return find;
    }

    public static Command CreateMove()
    {
        var options = new QueryOptions();
        var destination = new Option<string>("--dest") { Description = "AE title the peer must send the instances to (known to the peer).", Required = true };
        var move = options.Build("move", "Ask a peer to send instances to an AE title (C-MOVE).");
        move.Options.Add(destination);
        move.SetAction((parse, cancellationToken) => DicomNetworkConsole.RunAsync(parse, async output =>
        {
            var sopClass = QueryRetrieveLevel.MoveSopClass(options.InformationModel(parse));
            var proposal = new AssociationProposal().Add(sopClass, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian);
            await using var association = await DicomClient.ConnectAsync(options.Network.Client(parse), proposal, cancellationToken);
            var progress = Progress(output, parse.GetValue(options.Network.Verbose));
            var result = await association.MoveAsync(sopClass, parse.GetValue(destination)!, options.Identifier(parse), progress, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"C-MOVE to {parse.GetValue(destination)}: {result}");
            await association.ReleaseAsync(cancellationToken);
            return result.IsSuccess ? 0 : 1;
        }));
        return move;
    }

    public static Command CreateGet()
    {
        var options = new QueryOptions();
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder receiving the instances (one file per SOP Instance UID).", Required = true };
        var syntaxes = new Option<string[]>("--accept-syntax") { Description = "Extra transfer syntax UIDs to accept for the retrieved instances (uncompressed ones always are)." };
        var get = options.Build("get", "Retrieve instances from a peer on the same association (C-GET).");
        get.Options.Add(folder);
        get.Options.Add(syntaxes);
        get.SetAction((parse, cancellationToken) => DicomNetworkConsole.RunAsync(parse, async output =>
        {
            var sopClass = QueryRetrieveLevel.GetSopClass(options.InformationModel(parse));
            var proposal = new AssociationProposal().Add(sopClass, KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian);
            // The storage classes the peer may send back, each with the syntaxes we take as they are.
            string[] accepted = [KnownTransferSyntaxes.ExplicitVRLittleEndian, KnownTransferSyntaxes.ImplicitVRLittleEndian, .. parse.GetValue(syntaxes) ?? []];
            var fitted = proposal.AddRetrieveStorage(CommonStorageClasses, accepted);
            if (fitted < CommonStorageClasses.Count)
                await parse.InvocationConfiguration.Error.WriteLineAsync($"note: {fitted} of {CommonStorageClasses.Count} storage SOP classes fit in the association.");
            var target = parse.GetValue(folder)!;
            var storage = new DicomFolderStorageHandler(target.FullName);
            await using var association = await DicomClient.ConnectAsync(options.Network.Client(parse), proposal, cancellationToken);
            var progress = Progress(output, parse.GetValue(options.Network.Verbose));
            var result = await association.GetAsync(sopClass, options.Identifier(parse), storage, progress, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"C-GET into {target.FullName}: {result}");
            await association.ReleaseAsync(cancellationToken);
            return result.IsSuccess ? 0 : 1;
        }));
        return get;
    }

    /// <summary>
    /// Storage SOP classes proposed for C-GET: the common modalities and objects first, as many as fit beside the
    /// Q/R context (each syntax takes one of the 128 contexts).
    /// </summary>
    private static readonly IReadOnlyList<string> CommonStorageClasses =
    [
        "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.4.1",
        "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.2", "1.2.840.10008.5.1.4.1.1.6.1",
        "1.2.840.10008.5.1.4.1.1.3.1", "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.12.2",
        "1.2.840.10008.5.1.4.1.1.20", "1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.130", "1.2.840.10008.5.1.4.1.1.481.1",
        "1.2.840.10008.5.1.4.1.1.481.2", "1.2.840.10008.5.1.4.1.1.481.3", "1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.88.11",
        "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.88.33", "1.2.840.10008.5.1.4.1.1.88.59", "1.2.840.10008.5.1.4.1.1.104.1",
        "1.2.840.10008.5.1.4.1.1.11.1", "1.2.840.10008.5.1.4.1.1.66.4", "1.2.840.10008.5.1.4.1.1.77.1.4", "1.2.840.10008.5.1.4.1.1.1.2.1",
        "1.2.840.10008.5.1.4.1.1.13.1.3", "1.2.840.10008.5.1.4.1.1.6.2",
    ];

    private static DicomCommand.SynchronousProgress<DicomRetrieveProgress> Progress(TextWriter output, bool verbose) => new(p =>
    {
        if (verbose)
            output.WriteLine($"pending: {p.Completed} completed, {p.Failed} failed, {p.Warning} warning, {p.Remaining} remaining");
    });

    private static string Describe(DicomDataset match, int number)
    {
        var text = new StringBuilder().Append("# match ").Append(number).AppendLine();
        foreach (var element in match)
        {
            var keyword = DicomDictionary.GetKeyword(element.Tag) ?? "?";
            var value = element.IsSequence ? $"(sequence, {element.Items?.Count ?? 0} items)" : element.GetString();
            text.Append(element.Tag).Append(' ').Append(element.VR).Append(' ').Append(keyword).Append(" = ").AppendLine(value);
        }
        return text.ToString();
    }
}
