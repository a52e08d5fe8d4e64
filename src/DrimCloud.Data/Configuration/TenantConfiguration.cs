using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrimCloud.Data.Configuration;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("Tenants");
        b.Property(t => t.Slug).HasMaxLength(40).IsRequired();
        b.HasIndex(t => t.Slug).IsUnique();
        b.Property(t => t.DisplayName).HasMaxLength(200).IsRequired();
        b.Property(t => t.StructureId).HasMaxLength(64);
    }
}

internal sealed class TenantClientConfiguration : IEntityTypeConfiguration<TenantClient>
{
    public void Configure(EntityTypeBuilder<TenantClient> b)
    {
        b.ToTable("TenantClients");
        b.Property(f => f.ClientId).HasMaxLength(100).IsRequired();
        b.HasIndex(f => f.ClientId).IsUnique();
        b.Property(f => f.DisplayName).HasMaxLength(200).IsRequired();
        b.HasIndex(f => f.TenantId);
        b.HasOne(f => f.Tenant).WithMany(t => t.Clients).HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
