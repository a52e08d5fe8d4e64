using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrimCloud.Data.Configuration;

// DICOM UIDs are at most 64 characters; string attributes get their DICOM maximum lengths (LO 64, SH 16, PN 5x64).
internal sealed class StudyConfiguration : IEntityTypeConfiguration<Study>
{
    public void Configure(EntityTypeBuilder<Study> b)
    {
        b.ToTable("Studies");
        b.Property(s => s.StudyInstanceUid).HasMaxLength(64).IsRequired();
        b.HasIndex(s => new { s.TenantId, s.StudyInstanceUid }).IsUnique();
        b.Property(s => s.AccessionNumber).HasMaxLength(16);
        // Search indexes end with the answer order (newest first, see QIDO-RS): an equality match then needs no sort,
        // which SQLite's planner relies on when it has no statistics.
        b.HasIndex(s => new { s.TenantId, s.AccessionNumber, s.StudyDate, s.StudyTime, s.Id });
        b.Property(s => s.StudyId).HasMaxLength(16);
        b.Property(s => s.StudyDate).HasMaxLength(8);
        b.HasIndex(s => new { s.TenantId, s.StudyDate, s.StudyTime, s.Id });
        b.Property(s => s.StudyTime).HasMaxLength(16);
        b.Property(s => s.StudyDescription).HasMaxLength(64);
        b.Property(s => s.ReferringPhysicianName).HasMaxLength(324);
        b.Property(s => s.PatientName).HasMaxLength(324);
        b.HasIndex(s => new { s.TenantId, s.PatientName });
        b.Property(s => s.PatientNameSearch).HasMaxLength(324);
        b.HasIndex(s => new { s.TenantId, s.PatientNameSearch, s.StudyDate, s.StudyTime, s.Id });
        b.Property(s => s.DicomPatientId).HasMaxLength(64);
        b.HasIndex(s => new { s.TenantId, s.DicomPatientId, s.StudyDate, s.StudyTime, s.Id });
        b.Property(s => s.PatientBirthDate).HasMaxLength(8);
        b.Property(s => s.PatientSex).HasMaxLength(16);
        b.Property(s => s.ModalitiesInStudy).HasMaxLength(200);
        // Lets a ModalitiesInStudy search count its matches without reading the rows.
        b.HasIndex(s => new { s.TenantId, s.ModalitiesInStudy });
        b.HasOne(s => s.Patient).WithMany(p => p.Studies).HasForeignKey(s => s.PatientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SeriesConfiguration : IEntityTypeConfiguration<Series>
{
    public void Configure(EntityTypeBuilder<Series> b)
    {
        b.ToTable("Series");
        b.Property(s => s.SeriesInstanceUid).HasMaxLength(64).IsRequired();
        b.HasIndex(s => new { s.TenantId, s.SeriesInstanceUid }).IsUnique();
        b.Property(s => s.Modality).HasMaxLength(16);
        b.Property(s => s.SeriesDescription).HasMaxLength(64);
        b.Property(s => s.BodyPartExamined).HasMaxLength(16);
        b.Property(s => s.SeriesDate).HasMaxLength(8);
        b.Property(s => s.PerformedProcedureStepStartDate).HasMaxLength(8);
        b.Property(s => s.PerformedProcedureStepStartTime).HasMaxLength(16);
        b.Property(s => s.MetadataVersion).IsConcurrencyToken();
        b.HasOne(s => s.Study).WithMany(s => s.Series).HasForeignKey(s => s.StudyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InstanceConfiguration : IEntityTypeConfiguration<Instance>
{
    public void Configure(EntityTypeBuilder<Instance> b)
    {
        b.ToTable("Instances");
        b.Property(i => i.SopInstanceUid).HasMaxLength(64).IsRequired();
        b.HasIndex(i => new { i.TenantId, i.SopInstanceUid }).IsUnique();
        b.Property(i => i.SopClassUid).HasMaxLength(64).IsRequired();
        b.Property(i => i.TransferSyntaxUid).HasMaxLength(64).IsRequired();
        b.Property(i => i.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(i => i.BlobKey).HasMaxLength(240).IsRequired();
        b.HasIndex(i => new { i.SeriesId, i.InstanceNumber });
        b.HasOne(i => i.Series).WithMany(s => s.Instances).HasForeignKey(i => i.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}
