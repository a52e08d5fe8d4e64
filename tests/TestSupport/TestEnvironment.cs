namespace DrimCloud.Tests;

/// <summary>
/// Where the real peers started by ./test.sh are. Under CI (DRIMCLOUD_CI=1) a missing peer fails the test;
/// elsewhere the test is skipped with the reason, so `dotnet test` alone still runs what it can.
/// </summary>
public static class TestEnvironment
{
    public static bool IsCi => Environment.GetEnvironmentVariable("DRIMCLOUD_CI") == "1";

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("DRIMCLOUD_TEST_POSTGRES");

    public static string? AzuriteConnectionString => Environment.GetEnvironmentVariable("DRIMCLOUD_TEST_AZURITE");

    /// <summary>Skips (locally) or fails (CI) when <paramref name="value"/> is missing.</summary>
    public static string Require(string? value, string what)
    {
        if (!string.IsNullOrWhiteSpace(value)) return value;
        var reason = $"{what} is not available: run ./test.sh, which starts it.";
        if (IsCi) throw new InvalidOperationException(reason);
        Skip.If(true, reason);
        return "";
    }
}
