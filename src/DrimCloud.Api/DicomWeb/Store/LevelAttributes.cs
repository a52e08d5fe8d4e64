using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// Which attributes belong to the study level (patient + general study modules) and to the series level (general
/// series module), so that QIDO can answer includefield at those levels from one stored instance's metadata.
/// </summary>
public static class LevelAttributes
{
    private static readonly HashSet<string> Study = new(StringComparer.Ordinal)
    {
        // Patient module
        "00100010", "00100020", "00100021", "00100022", "00100024", "00100030", "00100032", "00100040", "00101000",
        "00101001", "00101002", "00102160", "00104000", "00100050", "00101010", "00101020", "00101030", "00102180", "00102000",
        "00080005",
        // General study, patient study modules
        "0020000D", "00080020", "00080030", "00080090", "00080096", "00200010", "00080050", "00080051", "00081030",
        "00081032", "00081060", "00080080", "00080081", "00321032", "00321060", "00081110", "00400275",
    };

    private static readonly HashSet<string> Series = new(StringComparer.Ordinal)
    {
        "00080005", "00080060", "0020000E", "00200011", "00200060", "00080021", "00080031", "0008103E", "00081050",
        "00081052", "00081070", "00180015", "00185100", "00400244", "00400245", "00400253", "00400254", "00400260",
        "00081111", "00081090", "00080070", "00181030", "00200052",
    };

    // The same sets by tag number, as the JSON writer's top-level filter (built once, no closure per instance).
    private static readonly FrozenSet<uint> StudyTags = Study.Select(ParseTag).ToFrozenSet();
    private static readonly FrozenSet<uint> SeriesTags = Series.Select(ParseTag).ToFrozenSet();
    private static readonly Func<DicomTag, bool> IsStudyTag = tag => StudyTags.Contains(tag.Value);
    private static readonly Func<DicomTag, bool> IsSeriesTag = tag => SeriesTags.Contains(tag.Value);

    /// <summary>
    /// An instance's study-level and series-level attributes as two DICOM JSON objects, written from its header with the
    /// options its own DICOM JSON was written with (so values and BulkDataURIs are the same), without parsing that JSON.
    /// </summary>
    public static (string Study, string Series) Write(DicomDataset dataset, DicomJsonOptions options) =>
        (WriteFiltered(dataset, options, IsStudyTag), WriteFiltered(dataset, options, IsSeriesTag));

    private static string WriteFiltered(DicomDataset dataset, DicomJsonOptions options, Func<DicomTag, bool> keep)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
            DicomJsonWriter.Write(writer, dataset, options with { TopLevelFilter = keep });
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static uint ParseTag(string key) => uint.Parse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static bool IsStudyLevel(string tagKey) => Study.Contains(tagKey);

    public static bool IsSeriesLevel(string tagKey) => Series.Contains(tagKey);
}
