using System.Collections.Frozen;

namespace DrimCloud.Dicom;

/// <summary>What the data dictionary (PS3.6) says about one attribute.</summary>
public readonly record struct DicomDictionaryEntry(DicomTag Tag, string Keyword, string Name, DicomVR VR, DicomVR AlternativeVR, string VM, bool IsRetired);

/// <summary>
/// The standard data dictionary, generated into <c>DicomDictionary.Generated.cs</c> by tools/dicom-dictionary.
/// The generated data are span literals in the assembly image: a tag lookup is a binary search over them and costs
/// nothing at start-up. The keyword index and the VR cache used by the implicit-VR reader are built once, lazily.
/// </summary>
public static class DicomDictionary
{
    private static FrozenDictionary<string, int>? s_byKeyword;
    private static Dictionary<uint, uint>? s_vrByTag;

    /// <summary>Looks up a tag, including repeating groups such as (60xx,3000) and the generic rules for private creators and group lengths.</summary>
    public static bool TryGetEntry(DicomTag tag, out DicomDictionaryEntry entry)
    {
        var index = IndexOf(tag.Value);
        if (index >= 0)
        {
            entry = EntryAt(index, tag);
            return true;
        }

        if (tag.IsPrivateCreator)
        {
            entry = new DicomDictionaryEntry(tag, "PrivateCreator", "Private Creator", DicomVR.LO, DicomVR.NO, "1", false);
            return true;
        }

        if (tag.IsGroupLength)
        {
            entry = new DicomDictionaryEntry(tag, "GroupLength", "Group Length", DicomVR.UL, DicomVR.NO, "1", false);
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>The VR the dictionary gives a tag (first alternative when there are several), or UN when unknown.</summary>
    public static DicomVR GetVR(DicomTag tag) => GetVRs(tag, out _);

    /// <summary>The VR the dictionary gives a tag and its alternative (NO when there is none), e.g. US and SS for "US or SS".</summary>
    public static DicomVR GetVRs(DicomTag tag, out DicomVR alternative)
    {
        var cache = s_vrByTag ??= BuildVrCache();
        if (cache.TryGetValue(tag.Value, out var codes))
        {
            alternative = new DicomVR((ushort)(codes >> 16));
            return new DicomVR((ushort)codes);
        }

        alternative = DicomVR.NO;
        if (s_slowVRs.TryGetValue(tag.Value, out var cached))
        {
            return new DicomVR(cached);
        }

        var vr = SlowVR(tag);
        if (s_slowVRs.Count < MaxSlowCacheEntries)
        {
            // Tags outside the table (repeating groups, private, unknown) need a scan; remember the answer, with a cap
            // so that hostile input cannot grow the cache without bound.
            s_slowVRs.TryAdd(tag.Value, vr.Code);
        }

        return vr;
    }

    private const int MaxSlowCacheEntries = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<uint, ushort> s_slowVRs = new();

    private static DicomVR SlowVR(DicomTag tag)
    {
        if (tag.IsPrivateCreator)
        {
            return DicomVR.LO;
        }

        if (tag.IsGroupLength)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivate)
        {
            return DicomVR.UN;
        }

        var index = IndexOfRepeater(tag.Value);
        return index >= 0 ? new DicomVR(DicomDictionaryData.Vrs[index]) : DicomVR.UN;
    }

    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        var map = s_byKeyword ??= BuildKeywordIndex();
        if (map.TryGetValue(keyword, out var index))
        {
            tag = index < DicomDictionaryData.EntryCount
                ? new DicomTag(DicomDictionaryData.Tags[index])
                : new DicomTag(DicomDictionaryData.RepeaterValues[index - DicomDictionaryData.EntryCount]);
            return true;
        }

        tag = default;
        return false;
    }

    /// <summary>The keyword of a tag, or null when the dictionary does not know it.</summary>
    public static string? GetKeyword(DicomTag tag) => TryGetEntry(tag, out var entry) ? entry.Keyword : null;

    private static int IndexOf(uint tag)
    {
        var index = DicomDictionaryData.Tags.BinarySearch(tag);
        return index >= 0 ? index : IndexOfRepeater(tag);
    }

    private static int IndexOfRepeater(uint tag)
    {
        var values = DicomDictionaryData.RepeaterValues;
        var masks = DicomDictionaryData.RepeaterMasks;
        for (var i = 0; i < values.Length; i++)
        {
            if ((tag & masks[i]) == values[i])
            {
                return DicomDictionaryData.EntryCount + i;
            }
        }

        return -1;
    }

    private static DicomDictionaryEntry EntryAt(int index, DicomTag tag)
    {
        var offsets = DicomDictionaryData.TextOffsets;
        var keyword = DicomDictionaryData.Text[offsets[2 * index]..offsets[(2 * index) + 1]];
        var name = DicomDictionaryData.Text[offsets[(2 * index) + 1]..offsets[(2 * index) + 2]];
        return new DicomDictionaryEntry(
            tag,
            keyword,
            name,
            new DicomVR(DicomDictionaryData.Vrs[index]),
            new DicomVR(DicomDictionaryData.AlternativeVrs[index]),
            DicomDictionaryData.Vms[DicomDictionaryData.VmIndexes[index]],
            DicomDictionaryData.Retired[index] != 0);
    }

    private static FrozenDictionary<string, int> BuildKeywordIndex()
    {
        var offsets = DicomDictionaryData.TextOffsets;
        var total = DicomDictionaryData.EntryCount + DicomDictionaryData.RepeaterCount;
        var map = new Dictionary<string, int>(total, StringComparer.Ordinal);
        for (var i = 0; i < total; i++)
        {
            var keyword = DicomDictionaryData.Text[offsets[2 * i]..offsets[(2 * i) + 1]];
            if (keyword.Length > 0)
            {
                map.TryAdd(keyword, i);
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static Dictionary<uint, uint> BuildVrCache()
    {
        var tags = DicomDictionaryData.Tags;
        var vrs = DicomDictionaryData.Vrs;
        var alternatives = DicomDictionaryData.AlternativeVrs;
        var map = new Dictionary<uint, uint>(tags.Length);
        for (var i = 0; i < tags.Length; i++)
        {
            map[tags[i]] = vrs[i] | ((uint)alternatives[i] << 16);
        }

        return map;
    }
}
