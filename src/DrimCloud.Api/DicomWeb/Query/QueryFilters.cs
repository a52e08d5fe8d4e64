using System.Linq.Expressions;
using System.Reflection;
using DrimCloud.Dicom;
using DrimCloud.Domain.Imaging;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// Applies a query's SQL-matchable keys to the target level's table. Keys of a higher level are matched through the
/// navigation (a series' study); keys of a lower level relationally (studies having such a series), all keys of one
/// lower level being met by the same series or instance. Study Date + Study Time (and the performed procedure step
/// pair) are matched as one date-time range, as PS3.18 §8.3.4.1.1 requires.
/// </summary>
public sealed class QueryFilters(SqlPredicates sql)
{
    private static readonly (DicomTag Date, DicomTag Time)[] s_dateTimePairs =
    [
        (DicomTags.StudyDate, DicomTags.StudyTime),
        (DicomTags.PerformedProcedureStepStartDate, DicomTags.PerformedProcedureStepStartTime),
    ];

    private static readonly MethodInfo s_anySeries = AnyOf<Series>();
    private static readonly MethodInfo s_anyInstance = AnyOf<Instance>();

    /// <summary>Keys matched in SQL: on an index column and not inside a sequence. The others are matched on JSON.</summary>
    public static bool IsIndexed(MatchKey key) => !key.Path.IsNested && IndexedColumns.At(key.Level).ContainsKey(key.Path.Top);

    /// <summary>
    /// Whether a study search holds a pattern no index can narrow — a wildcard before any literal character, or a fuzzy
    /// name — on a study column (ModalitiesInStudy aside: its matches are dense and its index small).
    /// </summary>
    public static bool ScansStudies(QidoQuery query) => query.Target == QueryLevel.Study && query.Keys.Any(k =>
        k.Level == QueryLevel.Study && IsIndexed(k) && IndexedColumns.Study[k.Path.Top].Kind != ColumnKind.Codes
        && (k.Matcher is FuzzyNameMatch || (k.Matcher is WildcardMatch w && w.Pattern[0] is '*' or '?')));

    public IQueryable<Study> ForStudies(IQueryable<Study> studies, QidoQuery query)
    {
        var (study, series, instance) = LevelPredicates(query);
        studies = Where(studies, study);
        // "Studies having a series of modality X" is what ModalitiesInStudy holds: its index answers without a
        // subquery per study (which costs seconds to count at 100,000 studies). Only when Modality is the sole
        // lower-level key: with others, one series must meet them all.
        if (query.Keys.Where(k => k.Level > QueryLevel.Study && IsIndexed(k)).ToList() is [{ } only] && only.Path.Top == DicomTags.Modality)
            return Where(studies, sql.Build(IndexedColumns.Study[DicomTags.ModalitiesInStudy], only.Matcher));
        var seriesWithInstance = And(series, instance is null ? null : AnyInstance(instance));
        return Where(studies, seriesWithInstance is null ? null : AnySeries(seriesWithInstance));
    }

    public IQueryable<Series> ForSeries(IQueryable<Series> series, QidoQuery query)
    {
        var (study, own, instance) = LevelPredicates(query);
        if (query.StudyUid is { } studyUid) series = series.Where(s => s.Study!.StudyInstanceUid == studyUid);
        series = Where(series, own);
        series = Where(series, study is null ? null : Navigate<Series, Study>(study, s => s.Study!));
        return Where(series, instance is null ? null : AnyInstance(instance));
    }

    public IQueryable<Instance> ForInstances(IQueryable<Instance> instances, QidoQuery query)
    {
        var (study, series, own) = LevelPredicates(query);
        if (query.StudyUid is { } studyUid) instances = instances.Where(i => i.Series!.Study!.StudyInstanceUid == studyUid);
        if (query.SeriesUid is { } seriesUid) instances = instances.Where(i => i.Series!.SeriesInstanceUid == seriesUid);
        instances = Where(instances, own);
        instances = Where(instances, series is null ? null : Navigate<Instance, Series>(series, i => i.Series!));
        return Where(instances, study is null ? null : Navigate<Instance, Study>(study, i => i.Series!.Study!));
    }

    private (LambdaExpression? Study, LambdaExpression? Series, LambdaExpression? Instance) LevelPredicates(QidoQuery query) =>
        (Level(query, QueryLevel.Study), Level(query, QueryLevel.Series), Level(query, QueryLevel.Instance));

    /// <summary>All indexed keys of one level, and-ed, as a lambda over that level's entity.</summary>
    private LambdaExpression? Level(QidoQuery query, QueryLevel level)
    {
        var keys = query.Keys.Where(k => k.Level == level && IsIndexed(k)).ToList();
        var columns = IndexedColumns.At(level);
        var parts = new List<LambdaExpression?>();
        foreach (var (date, time) in s_dateTimePairs)
        {
            var dateKey = keys.FirstOrDefault(k => k.Path.Top == date);
            var timeKey = keys.FirstOrDefault(k => k.Path.Top == time);
            if (dateKey?.Matcher is UniversalMatch || timeKey?.Matcher is UniversalMatch || dateKey is null || timeKey is null) continue;
            var timeRange = timeKey.Matcher as RangeMatch ?? new RangeMatch(((SingleValueMatch)timeKey.Matcher).Value, ((SingleValueMatch)timeKey.Matcher).Value);
            parts.Add(CombinedDateTime(columns[date], columns[time], dateKey.Matcher, timeRange));
            keys.Remove(dateKey);
            keys.Remove(timeKey);
        }
        parts.AddRange(keys.Select(k => sql.Build(columns[k.Path.Top], k.Matcher)));
        return And(parts.ToArray());
    }

    /// <summary>
    /// Date d1-d2 with time t1-t2 means from d1 at t1 to d2 at t2 (PS3.4 C.2.2.2.5.2). A time bound on an open date
    /// side has nothing to attach to and is not used.
    /// </summary>
    private static LambdaExpression CombinedDateTime(IndexedColumn dateColumn, IndexedColumn timeColumn, Matcher date, RangeMatch time)
    {
        var (dateLower, dateUpper) = date switch
        {
            SingleValueMatch single => (single.Value, single.Value),
            RangeMatch range => (range.Lower, range.Upper),
            _ => throw new InvalidOperationException("A date key is single-valued or a range."),
        };
        var row = dateColumn.Column.Parameters[0];
        var d = dateColumn.Column.Body;
        var t = Replace(timeColumn.Column.Body, timeColumn.Column.Parameters[0], row);
        var lower = dateLower is null ? null : time.Lower is null
            ? SqlPredicates.Compare(d, ExpressionType.GreaterThanOrEqual, dateLower)
            : Expression.OrElse(SqlPredicates.Compare(d, ExpressionType.GreaterThan, dateLower),
                Expression.AndAlso(Expression.Equal(d, SqlPredicates.Param(dateLower)), SqlPredicates.Compare(t, ExpressionType.GreaterThanOrEqual, time.Lower)));
        var upper = dateUpper is null ? null : time.Upper is null
            ? SqlPredicates.Compare(d, ExpressionType.LessThanOrEqual, dateUpper)
            : Expression.OrElse(SqlPredicates.Compare(d, ExpressionType.LessThan, dateUpper),
                Expression.AndAlso(Expression.Equal(d, SqlPredicates.Param(dateUpper)), SqlPredicates.Compare(t, ExpressionType.LessThanOrEqual, time.Upper)));
        var body = SqlPredicates.And([lower, upper]) ?? Expression.Constant(true);
        return Expression.Lambda(body, row);
    }

    private static LambdaExpression? And(params LambdaExpression?[] predicates)
    {
        var present = predicates.Where(p => p is not null).ToList();
        if (present.Count == 0) return null;
        var row = present[0]!.Parameters[0];
        var body = present.Select(p => Replace(p!.Body, p.Parameters[0], row)).Aggregate(Expression.AndAlso);
        return Expression.Lambda(body, row);
    }

    private static IQueryable<T> Where<T>(IQueryable<T> source, LambdaExpression? predicate) =>
        predicate is null ? source : source.Where((Expression<Func<T, bool>>)predicate);

    /// <summary>A predicate on a higher level, read through the navigation from the target.</summary>
    private static LambdaExpression Navigate<TFrom, TTo>(LambdaExpression predicate, Expression<Func<TFrom, TTo>> navigation) =>
        Expression.Lambda<Func<TFrom, bool>>(Replace(predicate.Body, predicate.Parameters[0], navigation.Body), navigation.Parameters);

    private static LambdaExpression AnySeries(LambdaExpression seriesPredicate)
    {
        var study = Expression.Parameter(typeof(Study), "study");
        return Expression.Lambda<Func<Study, bool>>(
            Expression.Call(s_anySeries, Expression.Property(study, nameof(Study.Series)), seriesPredicate), study);
    }

    private static LambdaExpression AnyInstance(LambdaExpression instancePredicate)
    {
        var series = Expression.Parameter(typeof(Series), "series");
        return Expression.Lambda<Func<Series, bool>>(
            Expression.Call(s_anyInstance, Expression.Property(series, nameof(Series.Instances)), instancePredicate), series);
    }

    private static MethodInfo AnyOf<T>() => typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(T));

    public static Expression Replace(Expression body, ParameterExpression parameter, Expression replacement) =>
        new ParameterReplacer(parameter, replacement).Visit(body);

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
