using DrimCloud.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DrimCloud.Data;

public static class DataServiceCollectionExtensions
{
    public const string ConnectionStringName = "drimcloud";

    /// <summary>
    /// Registers <see cref="DrimCloudDbContext"/> on the configured provider, with a scoped <see cref="TenantContext"/>.
    /// Throws at registration when the provider name is unknown, naming the valid ones.
    /// </summary>
    public static IServiceCollection AddDrimCloudData(this IServiceCollection services, IConfiguration configuration)
    {
        var (provider, connectionString) = ResolveDatabase(configuration);
        services.TryAddScoped<TenantContext>();
        services.TryAddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());

        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteFolder(connectionString);
                AddPooledContext<SqliteDrimCloudDbContext>(services, o => o.ConfigureSqlite(connectionString));
                break;
            case DatabaseProvider.PostgreSql:
                AddPooledContext<PostgreSqlDrimCloudDbContext>(services, o => o.ConfigurePostgreSql(connectionString));
                break;
            case DatabaseProvider.SqlServer:
                AddPooledContext<SqlServerDrimCloudDbContext>(services, o => o.ConfigureSqlServer(connectionString));
                break;
        }
        var factory = ContextFactory(provider, connectionString);
        services.AddSingleton<ITenantScopedDbContextFactory>(new TenantScopedDbContextFactory(factory));
        services.AddSingleton(new DatabaseInfo(provider));
        return services;
    }

    /// <summary>
    /// The scope's <see cref="DrimCloudDbContext"/> is rented from a pool and given the scope's tenant; disposing the
    /// scope returns it, with no tenant (see <see cref="DrimCloudDbContext.UseTenant"/>). A context rented from the pool
    /// in any other way has no tenant, so it can see and write no tenant-owned row.
    /// </summary>
    private static void AddPooledContext<TContext>(IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : DrimCloudDbContext
    {
        services.AddPooledDbContextFactory<TContext>(configure);
        services.AddScoped<DrimCloudDbContext>(sp =>
            sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext().UseTenant(sp.GetRequiredService<ITenantContext>()));
    }

    /// <summary>A function that makes a context of the given provider for any tenant context (tests and tools use it too).</summary>
    public static Func<ITenantContext, DrimCloudDbContext> ContextFactory(DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
            {
                var options = new DbContextOptionsBuilder<SqliteDrimCloudDbContext>();
                options.ConfigureSqlite(connectionString);
                return tenant => new SqliteDrimCloudDbContext(options.Options).UseTenant(tenant);
            }
            case DatabaseProvider.PostgreSql:
            {
                var options = new DbContextOptionsBuilder<PostgreSqlDrimCloudDbContext>();
                options.ConfigurePostgreSql(connectionString);
                return tenant => new PostgreSqlDrimCloudDbContext(options.Options).UseTenant(tenant);
            }
            default:
            {
                var options = new DbContextOptionsBuilder<SqlServerDrimCloudDbContext>();
                options.ConfigureSqlServer(connectionString);
                return tenant => new SqlServerDrimCloudDbContext(options.Options).UseTenant(tenant);
            }
        }
    }

    public static (DatabaseProvider Provider, string ConnectionString) ResolveDatabase(IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var provider = DatabaseProviderNames.Parse(options.Provider);
        var connectionString = options.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString)) connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider != DatabaseProvider.Sqlite)
                throw new InvalidOperationException(
                    $"Database:Provider is {provider} but no connection string is set (Database:ConnectionString or ConnectionStrings:{ConnectionStringName}).");
            connectionString = $"Data Source={Path.Combine(DataDirectory.Resolve(configuration), "drimcloud.db")}";
        }
        return (provider, connectionString);
    }

    public static DbContextOptionsBuilder ConfigureSqlite(this DbContextOptionsBuilder o, string cs) =>
        o.UseSqlite(cs, x => x.MigrationsAssembly(typeof(DrimCloudDbContext).Assembly.FullName))
            .AddInterceptors(SqliteBusyTimeout.Instance).UseOpenIddict();

    public static DbContextOptionsBuilder ConfigurePostgreSql(this DbContextOptionsBuilder o, string cs) =>
        o.UseNpgsql(cs, x => x.EnableRetryOnFailure(3)).UseOpenIddict();

    public static DbContextOptionsBuilder ConfigureSqlServer(this DbContextOptionsBuilder o, string cs) =>
        o.UseSqlServer(cs, x => x.EnableRetryOnFailure(3)).UseOpenIddict();

    private static void EnsureSqliteFolder(string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder) && builder.DataSource != ":memory:") Directory.CreateDirectory(folder);
    }
}

/// <summary>Which provider this process runs on (for health checks and diagnostics).</summary>
public sealed record DatabaseInfo(DatabaseProvider Provider);
