namespace DrimCloud.Dicom.Network;

/// <summary>
/// The archive behind a Query/Retrieve SCP. The listener does the DIMSE part (pending responses, counts,
/// C-CANCEL, sub-operations); the implementation only answers what matches and where the instances are.
/// </summary>
public interface IDicomQueryRetrieveHandler
{
    /// <summary>C-FIND: the matches, as identifiers holding the requested keys. Cancelled by C-CANCEL.</summary>
    IAsyncEnumerable<DicomDataset> FindAsync(DicomQueryRequest request, CancellationToken cancellationToken);

    /// <summary>C-MOVE and C-GET: the instances the identifier selects, sent as they are stored.</summary>
    ValueTask<IReadOnlyList<DicomStoreItem>> RetrieveAsync(DicomQueryRequest request, CancellationToken cancellationToken);

    /// <summary>C-MOVE: where a destination AE title lives; null answers "move destination unknown".</summary>
    ValueTask<DicomMoveDestination?> ResolveMoveDestinationAsync(string aeTitle, DicomQueryRequest request, CancellationToken cancellationToken);
}

/// <summary>A C-FIND, C-MOVE or C-GET request as received.</summary>
public sealed class DicomQueryRequest
{
    public required CommandField Operation { get; init; }

    /// <summary>The information model SOP class (e.g. Study Root Query/Retrieve - FIND).</summary>
    public required string SopClassUid { get; init; }

    /// <summary>The identifier: Query/Retrieve Level and the keys to match (and, for C-FIND, to return).</summary>
    public required DicomDataset Identifier { get; init; }

    public required DicomAssociation Association { get; init; }

    public ushort MessageId { get; init; }

    public DimsePriority Priority { get; init; }

    /// <summary>C-MOVE only: the AE title to send to.</summary>
    public string? MoveDestination { get; init; }

    /// <summary>Query/Retrieve Level (0008,0052) of the identifier, upper case, or null if absent.</summary>
    public string? Level => Identifier.GetString(DicomTags.QueryRetrieveLevel)?.Trim().ToUpperInvariant();
}

/// <summary>Where a C-MOVE destination AE listens.</summary>
public sealed record DicomMoveDestination(string AeTitle, string Host, int Port)
{
    public DicomTlsClientOptions? Tls { get; init; }
}
