using System.Globalization;
using DrimCloud.Data;
using QidoBench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// qidobench seed <Sqlite|PostgreSql> <connection string> <tenant> <studies>
// qidobench explain <Sqlite|PostgreSql> <connection string> <tenant>
// qidobench measure <api base url> <identity base url> <tenant> <requests> <label>
if (args is ["seed", var provider, var connectionString, var tenant, var count])
{
    await Seeder.RunAsync(DatabaseProviderNames.Parse(provider), connectionString, tenant, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}
if (args is ["measure", var api, var identity, var measuredTenant, var requests, var label])
{
    return await Measurement.RunAsync(new Uri(api), new Uri(identity), measuredTenant, int.Parse(requests, System.Globalization.CultureInfo.InvariantCulture), label);
}
if (args is ["explain", var explainProvider, var explainConnection, var explainTenant])
{
    await Explain.RunAsync(DatabaseProviderNames.Parse(explainProvider), explainConnection, explainTenant);
    return 0;
}
Console.Error.WriteLine("usage: qidobench seed <Sqlite|PostgreSql> <connection string> <tenant> <studies>");
Console.Error.WriteLine("       qidobench measure <api url> <identity url> <tenant> <requests per query> <label>");
return 2;
