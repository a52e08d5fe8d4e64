using System.CommandLine;
using DrimCloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DrimCloud.Cli.Commands;

/// <summary><c>drimcloud db script</c>: the idempotent migration script of a provider, for DBAs who apply it themselves.</summary>
internal static class DatabaseCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Database schema tools.");
        var provider = new Option<string>("--provider") { Description = $"Database provider: {DatabaseProviderNames.ValidNames}.", DefaultValueFactory = _ => "SqlServer" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the script to this file instead of standard output." };
        var script = new Command("script", "Print the idempotent SQL script that brings any version of the schema to this build's.") { provider, output };
        script.SetAction(parse =>
        {
            DatabaseProvider parsed;
            try
            {
                parsed = DatabaseProviderNames.Parse(parse.GetValue(provider));
            }
            catch (InvalidOperationException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"drimcloud: {e.Message}");
                return 1;
            }
            var sql = MigrationScript.Generate(parsed);
            var file = parse.GetValue(output);
            if (file is null) parse.InvocationConfiguration.Output.Write(sql);
            else File.WriteAllText(file.FullName, sql);
            return 0;
        });
        db.Subcommands.Add(script);
        return db;
    }
}
