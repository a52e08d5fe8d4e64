using DrimCloud.Domain.Patients;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrimCloud.Data.Configuration;

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> b)
    {
        b.ToTable("Patients");
        b.Property(p => p.InsMatricule).HasMaxLength(15);
        b.Property(p => p.InsOid).HasMaxLength(64);
        b.Property(p => p.BirthFamilyName).HasMaxLength(100);
        b.Property(p => p.FirstNames).HasMaxLength(200);
        b.Property(p => p.FirstName).HasMaxLength(100);
        b.Property(p => p.Sex).HasMaxLength(1);
        b.Property(p => p.BirthPlaceCode).HasMaxLength(5);
        b.Property(p => p.LocalPatientId).HasMaxLength(64);
        b.Property(p => p.LocalIdIssuer).HasMaxLength(64);
        b.HasIndex(p => new { p.TenantId, p.InsMatricule, p.InsOid });
        b.HasIndex(p => new { p.TenantId, p.LocalIdIssuer, p.LocalPatientId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
