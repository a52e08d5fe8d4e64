using System.Linq.Expressions;
using System.Text.Json;
using DrimCloud.Data;
using DrimCloud.Domain.Imaging;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>One page of matches, and how many matches follow it (for the "additional results" warning).</summary>
public sealed record QueryPage<TRow>(IReadOnlyList<TRow> Rows, long Remaining);

/// <summary>
/// Runs a parsed query on the tenant's index (the context's query filter scopes every table to the tenant).
/// When every key is on an index column, paging happens in SQL: offset and limit+1 rows are read, and the matches
/// are counted only when more remain. Keys on other attributes are matched on the stored JSON while the ordered
/// candidates stream from SQL, which stays correct but reads every candidate.
/// Order is stable and index-backed: newest studies first; series and instances in number order.
/// </summary>
public sealed class QueryExecutor(DrimCloudDbContext db)
{
    public Task<QueryPage<StudyRow>> StudiesAsync(QidoQuery query, ReturnPlan plan, CancellationToken cancellationToken)
    {
        var residual = Residual(query);
        var projection = QueryRows.ForStudies(Needs(plan, residual));
        if (residual.Count == 0 && QueryFilters.ScansStudies(query)) return KeysFirstAsync(query, projection, cancellationToken);
        return RunAsync(Studies(query), projection, Predicate<StudyRow>(residual, (row, _) => row.Attributes), query, cancellationToken);
    }

    public Task<QueryPage<SeriesRow>> SeriesAsync(QidoQuery query, ReturnPlan plan, CancellationToken cancellationToken)
    {
        var residual = Residual(query);
        var projection = QueryRows.ForSeries(Needs(plan, residual));
        return RunAsync(Series(query), projection, Predicate<SeriesRow>(residual,
            (row, level) => level == QueryLevel.Study ? row.Study.Attributes : row.Attributes), query, cancellationToken);
    }

    public Task<QueryPage<InstanceRow>> InstancesAsync(QidoQuery query, ReturnPlan plan, CancellationToken cancellationToken)
    {
        var residual = Residual(query);
        var projection = QueryRows.ForInstances(Needs(plan, residual));
        return RunAsync(Instances(query), projection, Predicate<InstanceRow>(residual, (row, level) => level switch
        {
            QueryLevel.Study => row.Series.Study.Attributes,
            QueryLevel.Series => row.Series.Attributes,
            _ => row.Metadata,
        }), query, cancellationToken);
    }

    /// <summary>The matching studies in answer order (SQL keys only): newest first.</summary>
    public IQueryable<Study> Studies(QidoQuery query) => Filters().ForStudies(db.Studies.AsNoTracking(), query)
        .OrderByDescending(s => s.StudyDate).ThenByDescending(s => s.StudyTime).ThenByDescending(s => s.Id);

    /// <summary>The matching series, grouped by study, in series number order.</summary>
    public IQueryable<Series> Series(QidoQuery query) => Filters().ForSeries(db.Series.AsNoTracking(), query)
        .OrderBy(s => s.StudyId).ThenBy(s => s.SeriesNumber).ThenBy(s => s.SeriesInstanceUid);

    /// <summary>The matching instances, grouped by series, in instance number order.</summary>
    public IQueryable<Instance> Instances(QidoQuery query) => Filters().ForInstances(db.Instances.AsNoTracking(), query)
        .OrderBy(i => i.SeriesId).ThenBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid);

    private QueryFilters Filters() => new(new SqlPredicates(db.Database.IsSqlite()));

    private static List<(QueryLevel Level, Func<JsonElement?, bool> Matches)> Residual(QidoQuery query) =>
        query.Keys.Where(k => !QueryFilters.IsIndexed(k)).Select(k => (k.Level, JsonMatcher.Compile(k))).ToList();

    private static JsonNeeds Needs(ReturnPlan plan, List<(QueryLevel Level, Func<JsonElement?, bool> Matches)> residual) => new(
        plan.Needs.Study || residual.Any(r => r.Level == QueryLevel.Study),
        plan.Needs.Series || residual.Any(r => r.Level == QueryLevel.Series),
        plan.Needs.Instance || residual.Any(r => r.Level == QueryLevel.Instance));

    private static Func<TRow, bool>? Predicate<TRow>(List<(QueryLevel Level, Func<JsonElement?, bool> Matches)> residual,
        Func<TRow, QueryLevel, JsonElement?> json) =>
        residual.Count == 0 ? null : row => residual.All(r => r.Matches(json(row, r.Level)));

    private static async Task<QueryPage<TRow>> RunAsync<T, TRow>(IQueryable<T> source, Expression<Func<T, TRow>> projection,
        Func<TRow, bool>? residual, QidoQuery query, CancellationToken cancellationToken)
    {
        if (residual is not null) return await FilterInMemoryAsync(source.Select(projection), residual, query, cancellationToken);

        var rows = query.Limit == 0 ? [] : await source.Skip(query.Offset).Take(query.Limit + 1).Select(projection).ToListAsync(cancellationToken);
        // Fewer rows than limit+1: nothing follows this page, no count needed.
        if (query.Limit > 0 && rows.Count <= query.Limit) return new QueryPage<TRow>(rows, 0);
        if (rows.Count > query.Limit) rows.RemoveAt(rows.Count - 1);
        var matches = await source.LongCountAsync(cancellationToken);
        return new QueryPage<TRow>(rows, Math.Max(0, matches - query.Offset - rows.Count));
    }

    /// <summary>
    /// For patterns no b-tree can narrow ("*mart*", fuzzy names), the page and the count would each scan the index:
    /// instead, one index-only scan reads the matching studies' keys (and sort columns), the page is cut in memory,
    /// and only its rows are read.
    /// </summary>
    private async Task<QueryPage<StudyRow>> KeysFirstAsync(QidoQuery query, Expression<Func<Study, StudyRow>> projection,
        CancellationToken cancellationToken)
    {
        var keys = await Filters().ForStudies(db.Studies.AsNoTracking(), query)
            .Select(s => new StudyKey(s.Id, s.StudyDate, s.StudyTime)).ToListAsync(cancellationToken);
        keys.Sort(StudyKey.NewestFirst);
        var page = keys.Skip(query.Offset).Take(query.Limit).Select(k => k.Id).ToList();
        if (page.Count == 0) return new QueryPage<StudyRow>([], Math.Max(0, keys.Count - query.Offset));
        // The page is read by primary key alone: with the tenant filter beside "Id IN (…)", SQLite's planner (without
        // statistics) scans the tenant's whole index instead. The ids come from the tenant-scoped query above, and each
        // row's tenant is checked again here.
        var study = projection.Parameters[0];
        var withTenant = Expression.Lambda<Func<Study, TenantRow<StudyRow>>>(
            Expression.New(typeof(TenantRow<StudyRow>).GetConstructors()[0], Expression.Property(study, nameof(Study.TenantId)), projection.Body), study);
        var fetched = await db.Studies.IgnoreQueryFilters().AsNoTracking().Where(s => page.Contains(s.Id)).Select(withTenant).ToListAsync(cancellationToken);
        if (fetched.Any(f => f.TenantId != db.CurrentTenantId)) throw new InvalidOperationException("A study of another tenant was about to be returned.");
        var rows = fetched.Select(f => f.Row).ToList();
        var position = page.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        rows.Sort((a, b) => position[a.Id].CompareTo(position[b.Id]));
        return new QueryPage<StudyRow>(rows, Math.Max(0, keys.Count - query.Offset - rows.Count));
    }

    private sealed record TenantRow<TRow>(Guid TenantId, TRow Row);

    private sealed record StudyKey(Guid Id, string? Date, string? Time)
    {
        /// <summary>Newest first, undated last, then by key: the same order on every database.</summary>
        public static int NewestFirst(StudyKey a, StudyKey b)
        {
            var byDate = Descending(a.Date, b.Date);
            if (byDate != 0) return byDate;
            var byTime = Descending(a.Time, b.Time);
            return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
        }

        private static int Descending(string? a, string? b) =>
            a is null ? (b is null ? 0 : 1) : b is null ? -1 : string.CompareOrdinal(b, a);
    }

    private static async Task<QueryPage<TRow>> FilterInMemoryAsync<TRow>(IQueryable<TRow> candidates, Func<TRow, bool> residual,
        QidoQuery query, CancellationToken cancellationToken)
    {
        var rows = new List<TRow>();
        long matches = 0;
        await foreach (var row in candidates.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!residual(row)) continue;
            matches++;
            if (matches > query.Offset && rows.Count < query.Limit) rows.Add(row);
        }
        return new QueryPage<TRow>(rows, Math.Max(0, matches - query.Offset - rows.Count));
    }
}
