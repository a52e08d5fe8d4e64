using System.Collections.Concurrent;
using DrimCloud.Domain.Imaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// The count updates of a store, as SQL text built once per model from EF's own table and column names and quoting,
/// so they fit every provider (SQLite, PostgreSQL, SQL Server). A LINQ ExecuteUpdate pays for building and matching
/// its expression tree on every call; these run once or several times per commit, so that cost was a visible share of
/// the index path. Parameters: {0} the series or study id, {1} the tenant id.
/// </summary>
internal sealed class RecountStatements
{
    private static readonly ConcurrentDictionary<IModel, RecountStatements> s_byModel = new();

    private RecountStatements(string seriesCount, string studyCounts)
    {
        SeriesCount = seriesCount;
        StudyCounts = studyCounts;
    }

    /// <summary>The series' instance count. Counted without the tenant: instances of a series are of its tenant.</summary>
    public string SeriesCount { get; }

    /// <summary>The study's series and instance counts from its series rows (their modalities are left alone).</summary>
    public string StudyCounts { get; }

    public static RecountStatements For(DbContext db) => s_byModel.GetOrAdd(db.Model, _ => Build(db));

    private static RecountStatements Build(DbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var (instances, instance) = Table<Instance>(db, sql);
        var (series, seriesColumn) = Table<Series>(db, sql);
        var (studies, study) = Table<Study>(db, sql);
        var seriesCount =
            $"UPDATE {series} SET {seriesColumn(nameof(Series.NumberOfInstances))} = " +
            $"(SELECT COUNT(*) FROM {instances} WHERE {instance(nameof(Instance.SeriesId))} = {{0}}) " +
            $"WHERE {seriesColumn(nameof(Series.Id))} = {{0}} AND {seriesColumn(nameof(Series.TenantId))} = {{1}}";
        var studyCounts =
            $"UPDATE {studies} SET " +
            $"{study(nameof(Study.NumberOfSeries))} = (SELECT COUNT(*) FROM {series} WHERE {seriesColumn(nameof(Series.StudyId))} = {{0}}), " +
            $"{study(nameof(Study.NumberOfInstances))} = (SELECT COALESCE(SUM({seriesColumn(nameof(Series.NumberOfInstances))}), 0) FROM {series} " +
            $"WHERE {seriesColumn(nameof(Series.StudyId))} = {{0}}) " +
            $"WHERE {study(nameof(Study.Id))} = {{0}} AND {study(nameof(Study.TenantId))} = {{1}}";
        return new RecountStatements(seriesCount, studyCounts);
    }

    private static (string Table, Func<string, string> Column) Table<T>(DbContext db, ISqlGenerationHelper sql)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        return (sql.DelimitIdentifier(table, entity.GetSchema()),
            property => sql.DelimitIdentifier(entity.FindProperty(property)?.GetColumnName(store)
                ?? throw new InvalidOperationException($"{typeof(T).Name}.{property} has no column.")));
    }
}
