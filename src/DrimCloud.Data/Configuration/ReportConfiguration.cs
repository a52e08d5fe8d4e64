using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Patients;
using DrimCloud.Domain.Reports;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrimCloud.Data.Configuration;

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> b)
    {
        b.ToTable("Reports");
        b.Property(r => r.DocumentId).HasMaxLength(256).IsRequired();
        b.Property(r => r.Action).HasMaxLength(16).IsRequired();
        b.Property(r => r.Status).HasMaxLength(16).IsRequired();
        b.Property(r => r.ParentDocumentId).HasMaxLength(256);
        b.Property(r => r.SetId).HasMaxLength(256);
        b.Property(r => r.Title).HasMaxLength(400);
        b.Property(r => r.PatientIns).HasMaxLength(15);
        b.Property(r => r.PatientInsOid).HasMaxLength(64);
        b.Property(r => r.LocalPatientId).HasMaxLength(64);
        b.Property(r => r.LocalPatientIdIssuer).HasMaxLength(64);
        b.Property(r => r.AccessionNumber).HasMaxLength(64);
        b.Property(r => r.StudyInstanceUid).HasMaxLength(64);
        b.Property(r => r.MessageType).HasMaxLength(32).IsRequired();
        b.Property(r => r.MessageControlId).HasMaxLength(200).IsRequired();
        b.Property(r => r.SendingApplication).HasMaxLength(200);
        b.Property(r => r.SendingFacility).HasMaxLength(200);
        b.Property(r => r.MessageSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.MessageBlobKey).HasMaxLength(256).IsRequired();
        b.Property(r => r.CdaBlobKey).HasMaxLength(256).IsRequired();
        b.Property(r => r.CdaSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.ReceivedBy).HasMaxLength(200);
        b.HasIndex(r => new { r.TenantId, r.MessageSha256 }).IsUnique();
        b.HasIndex(r => new { r.TenantId, r.DocumentId });
        b.HasIndex(r => new { r.TenantId, r.ReceivedAt });
        b.HasIndex(r => new { r.TenantId, r.StudyInstanceUid });
        b.HasIndex(r => new { r.TenantId, r.PatientIns, r.PatientInsOid });
        b.HasOne<Patient>().WithMany().HasForeignKey(r => r.PatientId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Study>().WithMany().HasForeignKey(r => r.StudyId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
