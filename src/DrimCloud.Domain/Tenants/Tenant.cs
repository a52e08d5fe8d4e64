namespace DrimCloud.Domain.Tenants;

/// <summary>A subscribing organisation (a hospital, a radiology group). The root of all tenant-owned data.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Short, URL-safe name used in routes (<c>/tenants/{slug}</c>) and in the token's <c>tenant</c> claim.</summary>
    public required string Slug { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>FINESS juridique / géographique of the structure, once known (used by DMP publication).</summary>
    public string? StructureId { get; set; }

    /// <summary>Whether a STOW of different content under an existing SOP Instance UID replaces it.</summary>
    public bool AllowInstanceOverwrite { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public ICollection<TenantClient> Clients { get; } = [];

    /// <summary>Slugs are lower-case ASCII letters, digits and hyphens, 2 to 40 characters, not starting or ending with a hyphen.</summary>
    public static bool IsValidSlug(string? slug) =>
        slug is { Length: >= 2 and <= 40 }
        && slug[0] != '-' && slug[^1] != '-'
        && slug.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
