using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Text;

/// <summary>Specific Character Set decoding checked against pydicom on every character set sample (pydicom's own
/// chr*.dcm files and the corpus's), nested items with their own character set included; and encoding round trips.</summary>
public sealed class CharacterSetTests
{
    public static TheoryData<string> CharsetFiles()
    {
        var data = new TheoryData<string>();
        var files = Pydicom.CharsetFiles().Concat(Samples.Files.Where(f => f.Notes.Contains("charset", StringComparison.Ordinal)).Select(f => f.FullPath)).ToList();
        if (files.Count == 0)
        {
            data.Add("(pydicom and corpus missing)");
        }

        foreach (var file in files)
        {
            data.Add(file);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(CharsetFiles))]
    public void Text_decodes_like_pydicom(string path)
    {
        Samples.RequireRoot();
        ExternalTool.Require("pydicom");
        Assert.True(File.Exists(path), $"{path} is missing");
        var expected = Pydicom.DecodedText(path);
        using var file = DicomFile.Open(path);
        var actual = new Dictionary<string, string[]>();
        var untyped = new HashSet<string>();
        Collect(file.Dataset, string.Empty, actual, untyped);

        var differences = new List<string>();
        foreach (var (key, values) in expected)
        {
            if (untyped.Contains(key))
            {
                // A private element in implicit VR: pydicom types it from its private dictionary, we keep UN bytes.
                continue;
            }

            if (!actual.TryGetValue(key, out var ours))
            {
                differences.Add($"{key}: missing in ours");
                continue;
            }

            // Trailing spaces are padding; trailing empty person-name groups ("…=") carry nothing (PS3.5 §6.2.1).
            var theirs = values.Select(v => v.TrimEnd(' ').TrimEnd('=')).ToArray();
            ours = ours.Select(v => v.TrimEnd(' ').TrimEnd('=')).ToArray();
            if (!theirs.SequenceEqual(ours))
            {
                differences.Add($"{key}: ours [{string.Join(" | ", ours)}], pydicom [{string.Join(" | ", theirs)}]");
            }
        }

        Assert.True(differences.Count == 0, Path.GetFileName(path) + "\n" + string.Join('\n', differences));
        Assert.NotEmpty(expected);
    }

    private static void Collect(DicomDataset dataset, string prefix, Dictionary<string, string[]> output, HashSet<string> untyped)
    {
        foreach (var element in dataset)
        {
            var key = prefix + element.Tag.ToJsonKey();
            if (element.Items is { } items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    Collect(items[i], $"{key}/{i}/", output, untyped);
                }
            }
            else if (element.VR.UsesCharacterSet || element.VR == DicomVR.UC)
            {
                output[key] = element.GetStrings();
            }
            else if (element.VR == DicomVR.UN && element.Tag.IsPrivate)
            {
                untyped.Add(key);
            }
        }
    }

    [Theory]
    [InlineData("ISO_IR 100", "Müller^François")]
    [InlineData("ISO_IR 101", "Dvořák^Łukasz")]
    [InlineData("ISO_IR 144", "Люкceмбypг")]
    [InlineData("ISO_IR 126", "Διονυσιος")]
    [InlineData("ISO_IR 127", "قباني^لنزار")]
    [InlineData("ISO_IR 138", "שרון^דבורה")]
    [InlineData("ISO_IR 148", "Çavuşoğlu")]
    [InlineData("ISO_IR 166", "สวัสดี")]
    [InlineData("ISO_IR 192", "Wang^XiaoDong=王^小東")]
    [InlineData("GB18030", "Wang^XiaoDong=王^小东")]
    [InlineData("\\ISO 2022 IR 87", "Yamada^Tarou=山田^太郎=やまだ^たろう")]
    [InlineData("ISO 2022 IR 13\\ISO 2022 IR 87", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう")]
    [InlineData("\\ISO 2022 IR 149", "Hong^Gildong=洪^吉洞=홍^길동")]
    [InlineData("\\ISO 2022 IR 58", "Zhang^SanFeng=张^三丰")]
    [InlineData("\\ISO 2022 IR 159", "Kim^=丨^")]
    public void Person_names_encode_and_decode_back(string specificCharacterSet, string name)
    {
        using var dataset = new DicomDataset();
        dataset.SetString(DicomTag.SpecificCharacterSet, DicomVR.CS, specificCharacterSet);
        dataset.SetString(DicomTags.PatientName, DicomVR.PN, name);
        var bytes = dataset[DicomTags.PatientName].RawValue.ToArray();
        Assert.Equal(name, dataset.GetString(DicomTags.PatientName));
        if (specificCharacterSet.Contains("2022", StringComparison.Ordinal) && name.Any(c => c > 0x7F))
        {
            Assert.Contains((byte)0x1B, bytes);
        }
    }

    [Fact]
    public void Jis_x_0212_decodes_as_python_euc_jp_does()
    {
        // ESC $ ( D then 0x30 0x21 / 0x30 0x29: JIS X 0212 row 16; Python's euc_jp (with JIS X 0212) reads 丂 and 丨.
        byte[] bytes = [0x1B, 0x24, 0x28, 0x44, 0x30, 0x21, 0x30, 0x29, 0x1B, 0x28, 0x42];
        var charset = DicomCharacterSet.FromSpecificCharacterSet("\\ISO 2022 IR 159");
        Assert.Equal("丂丨", charset.Decode(bytes, DicomVR.LO));
        Assert.Equal(bytes, charset.Encode("丂丨", DicomVR.LO));
    }

    [Fact]
    public void Japanese_escape_sequences_match_the_standard_example()
    {
        // PS3.5 H.3.1: "Yamada^Tarou=山田^太郎=やまだ^たろう" with \ISO 2022 IR 87.
        byte[] expected =
        [
            0x59, 0x61, 0x6D, 0x61, 0x64, 0x61, 0x5E, 0x54, 0x61, 0x72, 0x6F, 0x75, 0x3D,
            0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, 0x1B, 0x28, 0x42, 0x5E,
            0x1B, 0x24, 0x42, 0x42, 0x40, 0x4F, 0x3A, 0x1B, 0x28, 0x42, 0x3D,
            0x1B, 0x24, 0x42, 0x24, 0x64, 0x24, 0x5E, 0x24, 0x40, 0x1B, 0x28, 0x42, 0x5E,
            0x1B, 0x24, 0x42, 0x24, 0x3F, 0x24, 0x6D, 0x24, 0x26, 0x1B, 0x28, 0x42,
        ];
        var charset = DicomCharacterSet.FromSpecificCharacterSet("\\ISO 2022 IR 87");
        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", charset.Decode(expected, DicomVR.PN));
        Assert.Equal(expected, charset.Encode("Yamada^Tarou=山田^太郎=やまだ^たろう", DicomVR.PN));
    }
}
