using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using DrimCloud.Api.DicomWeb.Store;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// Builds the SQL side of matching: an EF expression per key on an index column. Values always travel as
/// parameters (never literals), so each query shape compiles once. Wildcards become GLOB on SQLite (case-sensitive
/// like DICOM matching, and index-friendly on its binary collation) and LIKE with an explicit escape elsewhere; a
/// "prefix*" pattern also gets a range on the column so that PostgreSQL can use its b-tree whatever the collation.
/// </summary>
public sealed class SqlPredicates(bool sqlite)
{
    private const char LikeEscape = '!';

    private static readonly MethodInfo s_compare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo s_glob = typeof(SqliteDbFunctionsExtensions).GetMethod(nameof(SqliteDbFunctionsExtensions.Glob))!;
    private static readonly MethodInfo s_like = typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;
    private static readonly MethodInfo s_contains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(string));

    /// <summary>The predicate of one key on its column, as a lambda over the column's entity; null when it matches everything.</summary>
    public LambdaExpression? Build(IndexedColumn column, Matcher matcher)
    {
        var body = column.Kind == ColumnKind.Integer ? Integer(column.Column.Body, matcher) : Text(column.Column.Body, column.Kind, matcher);
        return body is null ? null : Expression.Lambda(body, column.Column.Parameters);
    }

    private static Expression? Integer(Expression column, Matcher matcher) => matcher switch
    {
        UniversalMatch => null,
        SingleValueMatch single when int.TryParse(single.Value, out var value) => Expression.Equal(column, Param<int?>(value)),
        _ => Expression.Constant(false), // an integer no column value can hold
    };

    private Expression? Text(Expression column, ColumnKind kind, Matcher matcher) => matcher switch
    {
        UniversalMatch => null,
        SingleValueMatch single => kind switch
        {
            ColumnKind.Codes => AnyCode(column, single.Value),
            ColumnKind.FoldedName => Expression.Equal(column, Param(Fold(single.Value))),
            _ => Expression.Equal(column, Param(single.Value)),
        },
        ListMatch list => kind == ColumnKind.Codes
            ? Or(list.Values.Select(v => AnyCode(column, v)))
            : Expression.Call(s_contains, Param(list.Values.ToArray()), column),
        WildcardMatch wildcard => kind switch
        {
            ColumnKind.Codes => AnyCode(column, wildcard.Pattern),
            ColumnKind.FoldedName => Pattern(column, Fold(wildcard.Pattern)),
            _ => Pattern(column, wildcard.Pattern),
        },
        RangeMatch range => Range(column, range.Lower, range.Upper),
        FuzzyNameMatch fuzzy => And(fuzzy.Words.Select(word => kind == ColumnKind.FoldedName
            ? Or([Pattern(column, word + "*"), Pattern(column, "* " + word + "*")])
            : Or([Pattern(column, word + "*"), Pattern(column, "*^" + word + "*"), Pattern(column, "* " + word + "*")]))),
        _ => throw new NotSupportedException(matcher.GetType().Name),
    };

    /// <summary>Inclusive bounds compared as text: DA and TM values sort as their characters do.</summary>
    public static Expression? Range(Expression column, string? lower, string? upper) => And(
        [
            lower is null ? null : Compare(column, ExpressionType.GreaterThanOrEqual, lower),
            upper is null ? null : Compare(column, ExpressionType.LessThanOrEqual, upper),
        ]);

    public static Expression Compare(Expression column, ExpressionType op, string value) =>
        Expression.MakeBinary(op, Expression.Call(s_compare, column, Param(value)), Expression.Constant(0));

    // "CT\MR\PT" holds CT: the value alone, first, last or in the middle of the list.
    private Expression AnyCode(Expression column, string pattern)
    {
        var whole = HasWildcard(pattern) ? Pattern(column, pattern) : Expression.Equal(column, Param(pattern));
        return Or([whole, Pattern(column, pattern + "\\*"), Pattern(column, "*\\" + pattern), Pattern(column, "*\\" + pattern + "\\*")]);
    }

    private Expression Pattern(Expression column, string pattern)
    {
        var match = sqlite
            ? Expression.Call(s_glob, Expression.Constant(EF.Functions), column, Param(ToGlob(pattern)))
            : Expression.Call(s_like, Expression.Constant(EF.Functions), column, Param(ToLike(pattern)), Expression.Constant(LikeEscape.ToString()));
        var prefix = pattern[..^1];
        if (!pattern.EndsWith('*') || prefix.Length == 0 || HasWildcard(prefix) || NextPrefix(prefix) is not { } next) return match;
        return And([Compare(column, ExpressionType.GreaterThanOrEqual, prefix), Compare(column, ExpressionType.LessThan, next), match])!;
    }

    private static bool HasWildcard(string value) => value.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/> (null if none is simple).</summary>
    public static string? NextPrefix(string prefix)
    {
        var last = prefix[^1];
        return char.IsSurrogate(last) || last == char.MaxValue ? null : prefix[..^1] + (char)(last + 1);
    }

    /// <summary>DICOM wildcards to GLOB: "*" and "?" carry over; "[" is the only other GLOB metacharacter.</summary>
    public static string ToGlob(string pattern) => pattern.Replace("[", "[[]", StringComparison.Ordinal);

    /// <summary>DICOM wildcards to LIKE with escape character '!'.</summary>
    public static string ToLike(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 4);
        foreach (var c in pattern)
        {
            if (c is '%' or '_' or LikeEscape) builder.Append(LikeEscape).Append(c);
            else builder.Append(c switch { '*' => '%', '?' => '_', _ => c });
        }
        return builder.ToString();
    }

    /// <summary>A person name as the index folds it (upper case, no accents, components separated by spaces).</summary>
    public static string Fold(string name) => InstanceHeader.FoldName(name) ?? "";

    /// <summary>A value as a query parameter: EF turns a field read on a constant object into a parameter.</summary>
    public static Expression Param<T>(T value) => Expression.Field(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    public static Expression? And(IEnumerable<Expression?> parts) =>
        parts.Where(p => p is not null).Aggregate((Expression?)null, (all, p) => all is null ? p : Expression.AndAlso(all, p!));

    public static Expression Or(IEnumerable<Expression> parts) => parts.Aggregate(Expression.OrElse);

    private sealed class Box<T>(T value)
    {
        public readonly T Value = value;
    }
}
