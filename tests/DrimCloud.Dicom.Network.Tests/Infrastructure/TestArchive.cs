using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace DrimCloud.Dicom.Network.Tests.Infrastructure;

/// <summary>
/// A small Query/Retrieve archive over real files, for the SCP side of the tests: it indexes each file's
/// patient/study/series/instance attributes with the core reader and matches identifiers with the PS3.4 C.2.2.2
/// rules the tests need (universal, single value, wildcard, UID list).
/// </summary>
internal sealed class TestArchive : IDicomQueryRetrieveHandler
{
    private static readonly DicomTag[] Indexed =
    [
        DicomTags.PatientID, DicomTags.PatientName, DicomTags.StudyInstanceUID, DicomTags.StudyDate, DicomTags.AccessionNumber,
        DicomTags.StudyDescription, DicomTags.SeriesInstanceUID, DicomTags.Modality, DicomTags.SeriesNumber,
        DicomTags.SOPInstanceUID, DicomTags.SOPClassUID, DicomTags.InstanceNumber,
    ];

    private readonly List<Record> _records = [];

    public TestArchive(IEnumerable<string> files)
    {
        foreach (var path in files)
        {
            using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
            var values = Indexed.ToDictionary(t => t, t => file.Dataset.GetString(t)?.Trim() ?? "");
            if (values[DicomTags.SOPInstanceUID].Length > 0)
                _records.Add(new Record(path, values, DicomStoreItem.FromFile(path)));
        }
    }

    public Dictionary<string, DicomMoveDestination> Destinations { get; } = [];

    /// <summary>Pause between matches (to test C-CANCEL while a find is running).</summary>
    public TimeSpan DelayPerMatch { get; set; }

    public int Count => _records.Count;

    public IReadOnlyList<string> Files => [.. _records.Select(r => r.Path)];

    public async IAsyncEnumerable<DicomDataset> FindAsync(DicomQueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var level = request.Level ?? throw new InvalidOperationException("No Query/Retrieve Level.");
        var keyTag = KeyOf(level);
        foreach (var group in Match(request).GroupBy(r => r.Values[keyTag]))
        {
            if (DelayPerMatch > TimeSpan.Zero)
                await Task.Delay(DelayPerMatch, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var record = group.First();
            var response = new DicomDataset();
            foreach (var element in request.Identifier)
            {
                var tag = element.Tag;
                if (tag == DicomTags.QueryRetrieveLevel || tag == DicomTag.SpecificCharacterSet)
                    continue;
                response.SetString(tag, element.VR, record.Values.GetValueOrDefault(tag, ""));
            }
            response.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, level);
            yield return response;
        }
    }

    public ValueTask<IReadOnlyList<DicomStoreItem>> RetrieveAsync(DicomQueryRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<DicomStoreItem>>([.. Match(request).Select(r => r.Item)]);

    public ValueTask<DicomMoveDestination?> ResolveMoveDestinationAsync(string aeTitle, DicomQueryRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Destinations.GetValueOrDefault(aeTitle));

    private IEnumerable<Record> Match(DicomQueryRequest request)
    {
        var keys = request.Identifier
            .Where(e => Indexed.Contains(e.Tag))
            .Select(e => (e.Tag, Value: e.GetString().Trim().TrimEnd('\0')))
            .Where(k => k.Value.Length > 0)
            .ToList();
        return _records.Where(r => keys.All(k => Matches(r.Values[k.Tag], k.Value)));
    }

    private static bool Matches(string actual, string key)
    {
        if (key.Contains('\\', StringComparison.Ordinal))
            return key.Split('\\').Contains(actual);
        if (key.Contains('*', StringComparison.Ordinal) || key.Contains('?', StringComparison.Ordinal))
            return Regex.IsMatch(actual, "^" + Regex.Escape(key).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$");
        return actual == key;
    }

    private static DicomTag KeyOf(string level) => level switch
    {
        QueryRetrieveLevel.Patient => DicomTags.PatientID,
        QueryRetrieveLevel.Study => DicomTags.StudyInstanceUID,
        QueryRetrieveLevel.Series => DicomTags.SeriesInstanceUID,
        _ => DicomTags.SOPInstanceUID,
    };

    private sealed record Record(string Path, Dictionary<DicomTag, string> Values, DicomStoreItem Item);
}
