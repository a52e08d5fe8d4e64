namespace DrimCloud.Domain.Imaging;

/// <summary>A series of a study.</summary>
public sealed class Series : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid StudyId { get; set; }
    public Study? Study { get; set; }

    public required string SeriesInstanceUid { get; set; }
    public string? Modality { get; set; }
    public int? SeriesNumber { get; set; }
    public string? SeriesDescription { get; set; }
    public string? BodyPartExamined { get; set; }
    public string? SeriesDate { get; set; }
    public int NumberOfInstances { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public ICollection<Instance> Instances { get; } = [];
}
