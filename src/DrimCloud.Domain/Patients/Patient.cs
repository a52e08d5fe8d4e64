namespace DrimCloud.Domain.Patients;

/// <summary>
/// A patient of a tenant. Carries the national health identity (INS: matricule + OID + strict traits) when it
/// has been qualified, and always the local identifier (IPP) with its issuer.
/// </summary>
public sealed class Patient : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }

    /// <summary>INS matricule (NIR or NIA, 15 characters incl. the 2-digit key), null until qualified.</summary>
    public string? InsMatricule { get; set; }

    /// <summary>OID of the INS assigning authority (e.g. 1.2.250.1.213.1.4.8 for a NIR), null until qualified.</summary>
    public string? InsOid { get; set; }

    // Strict identity traits (référentiel INS): stored exactly as the INSi teleservice returns them.
    public string? BirthFamilyName { get; set; }
    public string? FirstNames { get; set; }
    public string? FirstName { get; set; }
    public string? Sex { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? BirthPlaceCode { get; set; }

    /// <summary>Local patient identifier (IPP) and the issuer that assigned it.</summary>
    public string? LocalPatientId { get; set; }
    public string? LocalIdIssuer { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public ICollection<Imaging.Study> Studies { get; } = [];
}
