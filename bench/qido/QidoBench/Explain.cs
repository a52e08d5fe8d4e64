using System.Data.Common;
using DrimCloud.Api.DicomWeb.Query;
using DrimCloud.Data;
using Microsoft.EntityFrameworkCore;

namespace QidoBench;

/// <summary>Prints the SQL and the database's plan of each benchmarked study search (page and count queries).</summary>
public static class Explain
{
    public static async Task RunAsync(DatabaseProvider provider, string connectionString, string tenant)
    {
        var create = DataServiceCollectionExtensions.ContextFactory(provider, connectionString);
        Guid tenantId;
        await using (var platform = create(TenantContext.None()))
            tenantId = (await platform.Tenants.SingleAsync(t => t.Slug == tenant)).Id;
        await using var db = create(TenantContext.For(tenantId));
        var executor = new QueryExecutor(db);
        foreach (var (label, path) in Measurement.Queries.Where(q => q.Path.StartsWith("/studies?", StringComparison.Ordinal) || q.Path == "/studies"))
        {
            var query = QueryParser.Parse(QueryLevel.Study, null, null, path["/studies".Length..]);
            var plan = ReturnPlan.For(query);
            var page = executor.Studies(query).Skip(query.Offset).Take(query.Limit + 1).Select(QueryRows.ForStudies(plan.Needs));
            Console.WriteLine($"### {label}");
            if (QueryFilters.ScansStudies(query))
            {
                var filtered = new QueryFilters(new SqlPredicates(provider == DatabaseProvider.Sqlite)).ForStudies(db.Studies.AsNoTracking(), query);
                Console.WriteLine("keys:");
                await PrintAsync(db, provider, filtered.Select(s => new { s.Id, s.StudyDate, s.StudyTime }).CreateDbCommand());
                var ids = await filtered.Select(s => s.Id).Take(query.Limit).ToListAsync();
                Console.WriteLine("page rows:");
                await PrintAsync(db, provider, db.Studies.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(QueryRows.ForStudies(plan.Needs)).CreateDbCommand());
                Console.WriteLine();
                continue;
            }
            await PrintAsync(db, provider, page.CreateDbCommand());
            Console.WriteLine("count:");
            var matching = new QueryFilters(new SqlPredicates(provider == DatabaseProvider.Sqlite)).ForStudies(db.Studies.AsNoTracking(), query);
            await PrintAsync(db, provider, matching.Select(s => s.Id).CreateDbCommand(), count: true);
            Console.WriteLine();
        }
    }

    private static async Task PrintAsync(DrimCloudDbContext db, DatabaseProvider provider, DbCommand command, bool count = false)
    {
        await db.Database.OpenConnectionAsync();
        var sql = command.CommandText;
        if (count) sql = $"SELECT COUNT(*) FROM ({sql}) AS q";
        if (!count) Console.WriteLine(sql);
        command.CommandText = (provider == DatabaseProvider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ") + sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            Console.WriteLine("  " + (provider == DatabaseProvider.Sqlite ? reader.GetString(3) : reader.GetString(0)));
    }
}
