using DrimCloud.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrimCloud.Data.Configuration;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("AuditEvents");
        b.Property(a => a.Actor).HasMaxLength(200).IsRequired();
        b.Property(a => a.ActorType).HasMaxLength(32).IsRequired();
        b.Property(a => a.Action).HasMaxLength(64).IsRequired();
        b.Property(a => a.Resource).HasMaxLength(400);
        b.Property(a => a.Outcome).HasMaxLength(16).IsRequired();
        b.Property(a => a.Detail).HasMaxLength(2000);
        b.Property(a => a.SourceAddress).HasMaxLength(64);
        b.Property(a => a.CorrelationId).HasMaxLength(64);
        b.HasIndex(a => new { a.TenantId, a.OccurredAt });
    }
}
