using DrimCloud.Domain.Forwarders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrimCloud.Data.Configuration;

internal sealed class ForwarderStatusConfiguration : IEntityTypeConfiguration<ForwarderStatus>
{
    public void Configure(EntityTypeBuilder<ForwarderStatus> b)
    {
        b.ToTable("ForwarderStatuses");
        b.Property(s => s.ClientId).HasMaxLength(100).IsRequired();
        b.HasIndex(s => new { s.TenantId, s.ClientId }).IsUnique();
        b.Property(s => s.Version).HasMaxLength(64);
        b.Property(s => s.HostName).HasMaxLength(200);
        b.Property(s => s.LastError).HasMaxLength(2000);
        b.Property(s => s.PacsLink).HasMaxLength(32).IsRequired();
        b.Property(s => s.PacsDetail).HasMaxLength(400);
    }
}

internal sealed class ForwarderCommandConfiguration : IEntityTypeConfiguration<ForwarderCommand>
{
    public void Configure(EntityTypeBuilder<ForwarderCommand> b)
    {
        b.ToTable("ForwarderCommands");
        b.Property(c => c.ClientId).HasMaxLength(100).IsRequired();
        b.Property(c => c.StudyInstanceUid).HasMaxLength(64);
        b.Property(c => c.AccessionNumber).HasMaxLength(64);
        b.Property(c => c.CreatedBy).HasMaxLength(200).IsRequired();
        b.Property(c => c.Detail).HasMaxLength(2000);
        // The poll: this forwarder's open commands, oldest first.
        b.HasIndex(c => new { c.TenantId, c.ClientId, c.State, c.CreatedAt });
    }
}
