namespace DrimCloud.Dicom.Imaging;

/// <summary>Modality and VOI attributes that may differ per frame (enhanced multi-frame functional groups).</summary>
public sealed record FrameValueTransform(double RescaleSlope, double RescaleIntercept, VoiWindow? Window)
{
    public static FrameValueTransform Identity { get; } = new(1, 0, null);
}

/// <summary>
/// What is needed to display the pixels of an image instance, read once from its header (Image Pixel module,
/// Modality LUT and VOI LUT modules, and the functional groups of enhanced multi-frame images). Holds no reference
/// to the data set, so the header can be disposed as soon as this is built.
/// </summary>
public sealed class PixelDescription
{
    private readonly FrameValueTransform _shared;
    private readonly FrameValueTransform[]? _perFrame;

    private PixelDescription(FrameValueTransform shared, FrameValueTransform[]? perFrame)
    {
        _shared = shared;
        _perFrame = perFrame;
    }

    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public required int SamplesPerPixel { get; init; }
    public required int BitsAllocated { get; init; }
    public required int BitsStored { get; init; }
    public required int HighBit { get; init; }
    public required bool IsSigned { get; init; }
    public required PhotometricInterpretation Photometric { get; init; }

    /// <summary>0: samples interleaved per pixel (R1 G1 B1 R2…); 1: one plane per sample (R1 R2… G1 G2… B1 B2…).</summary>
    public required int PlanarConfiguration { get; init; }

    public required int NumberOfFrames { get; init; }

    /// <summary>Stored multi-byte values are big endian (Explicit VR Big Endian, retired).</summary>
    public required bool IsBigEndian { get; init; }

    public PaletteColorTable? Palette { get; init; }

    public int PixelCount => Rows * Columns;

    /// <summary>Size in bytes of one native (uncompressed) frame.</summary>
    public long NativeFrameLength => Photometric == PhotometricInterpretation.YbrFull422
        ? (long)Rows * Columns * 2
        : ((long)Rows * Columns * SamplesPerPixel * BitsAllocated + 7) / 8;

    /// <summary>Rescale and window of frame <paramref name="frameNumber"/> (1-based): per-frame groups, else shared, else the top-level attributes.</summary>
    public FrameValueTransform TransformOf(int frameNumber) =>
        _perFrame is not null && frameNumber >= 1 && frameNumber <= _perFrame.Length ? _perFrame[frameNumber - 1] : _shared;

    /// <summary>A copy with another layout (for frames a decoder has rewritten, e.g. RLE output is interleaved little endian).</summary>
    internal PixelDescription With(bool bigEndian, int planarConfiguration) => new(_shared, _perFrame)
    {
        Rows = Rows,
        Columns = Columns,
        SamplesPerPixel = SamplesPerPixel,
        BitsAllocated = BitsAllocated,
        BitsStored = BitsStored,
        HighBit = HighBit,
        IsSigned = IsSigned,
        Photometric = Photometric,
        PlanarConfiguration = planarConfiguration,
        NumberOfFrames = NumberOfFrames,
        IsBigEndian = bigEndian,
        Palette = Palette,
    };

    /// <summary>Reads the description; throws <see cref="ImageNotRenderableException"/> when the data set is not an image we can display.</summary>
    public static PixelDescription Read(DicomDataset dataset)
    {
        if (dataset.Contains(DicomTags.FloatPixelData) || dataset.Contains(DicomTags.DoubleFloatPixelData))
            throw new ImageNotRenderableException("Float pixel data is not supported.");

        var rows = dataset.GetInt32(DicomTags.Rows) ?? 0;
        var columns = dataset.GetInt32(DicomTags.Columns) ?? 0;
        if (rows <= 0 || columns <= 0)
            throw new ImageNotRenderableException("The instance is not an image (no Rows/Columns).");

        var photometricText = dataset.GetString(DicomTags.PhotometricInterpretation);
        var photometric = PhotometricInterpretations.Parse(photometricText)
            ?? throw new ImageNotRenderableException($"Photometric Interpretation '{photometricText?.Trim()}' is not supported.");

        var samples = dataset.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        var bitsAllocated = dataset.GetInt32(DicomTags.BitsAllocated) ?? 0;
        var bitsStored = dataset.GetInt32(DicomTags.BitsStored) ?? bitsAllocated;
        var highBit = dataset.GetInt32(DicomTags.HighBit) ?? bitsStored - 1;
        var frames = dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1;

        if (bitsAllocated is not (1 or 8 or 16 or 32))
            throw new ImageNotRenderableException($"Bits Allocated {bitsAllocated} is not supported.");
        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated)
            throw new ImageNotRenderableException($"Bits Stored {bitsStored} / High Bit {highBit} do not fit in Bits Allocated {bitsAllocated}.");

        var expectedSamples = photometric.IsGrayscale() || photometric == PhotometricInterpretation.PaletteColor ? 1 : 3;
        if (samples != expectedSamples)
            throw new ImageNotRenderableException($"{photometricText?.Trim()} needs {expectedSamples} sample(s) per pixel, not {samples}.");
        if (!photometric.IsGrayscale() && bitsAllocated is not (8 or 16))
            throw new ImageNotRenderableException($"Color images with {bitsAllocated} bits allocated are not supported.");
        if (photometric == PhotometricInterpretation.YbrFull422 && bitsAllocated != 8)
            throw new ImageNotRenderableException("YBR_FULL_422 is only supported with 8 bits allocated.");

        var shared = TopLevelTransform(dataset);
        var sharedGroups = FirstItem(dataset, DicomTags.SharedFunctionalGroupsSequence);
        if (sharedGroups is not null) shared = Overlay(shared, sharedGroups);
        var perFrame = PerFrameTransforms(dataset, shared, frames);

        return new PixelDescription(shared, perFrame)
        {
            Rows = rows,
            Columns = columns,
            SamplesPerPixel = samples,
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = highBit,
            IsSigned = dataset.GetInt32(DicomTags.PixelRepresentation) == 1,
            Photometric = photometric,
            PlanarConfiguration = samples > 1 ? dataset.GetInt32(DicomTags.PlanarConfiguration) ?? 0 : 0,
            NumberOfFrames = Math.Max(1, frames),
            IsBigEndian = dataset.IsBigEndian,
            Palette = photometric == PhotometricInterpretation.PaletteColor ? PaletteColorTable.Read(dataset) : null,
        };
    }

    private static FrameValueTransform TopLevelTransform(DicomDataset dataset) => new(
        dataset.GetDouble(DicomTags.RescaleSlope) is { } slope && slope != 0 ? slope : 1,
        dataset.GetDouble(DicomTags.RescaleIntercept) ?? 0,
        WindowOf(dataset));

    /// <summary>The first window of the data set, if it is usable (e.g. a width of 0 is ignored, as if absent).</summary>
    private static VoiWindow? WindowOf(DicomDataset dataset)
    {
        if (dataset.GetDouble(DicomTags.WindowCenter) is not { } center || dataset.GetDouble(DicomTags.WindowWidth) is not { } width)
            return null;
        var function = VoiWindow.ParseFunction(dataset.GetString(DicomTags.VOILUTFunction)) ?? VoiFunction.Linear;
        var window = new VoiWindow(center, width, function);
        return window.IsValid ? window : null;
    }

    /// <summary>Applies the Pixel Value Transformation and Frame VOI LUT macros of one functional groups item.</summary>
    private static FrameValueTransform Overlay(FrameValueTransform basis, DicomDataset groups)
    {
        var result = basis;
        if (FirstItem(groups, DicomTags.PixelValueTransformationSequence) is { } rescale)
        {
            result = result with
            {
                RescaleSlope = rescale.GetDouble(DicomTags.RescaleSlope) is { } s && s != 0 ? s : result.RescaleSlope,
                RescaleIntercept = rescale.GetDouble(DicomTags.RescaleIntercept) ?? result.RescaleIntercept,
            };
        }
        if (FirstItem(groups, DicomTags.FrameVOILUTSequence) is { } voi && WindowOf(voi) is { } window)
            result = result with { Window = window };
        return result;
    }

    private static FrameValueTransform[]? PerFrameTransforms(DicomDataset dataset, FrameValueTransform shared, int frames)
    {
        if (dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence) is not { } sequence || sequence.Count != frames)
            return null;
        var result = new FrameValueTransform[frames];
        for (var i = 0; i < frames; i++) result[i] = Overlay(shared, sequence[i]);
        return result;
    }

    private static DicomDataset? FirstItem(DicomDataset dataset, DicomTag tag) =>
        dataset.GetSequence(tag) is { Count: > 0 } sequence ? sequence[0] : null;
}
