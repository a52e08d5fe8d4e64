namespace DrimCloud.Dicom.Network;

/// <summary>Category of a DIMSE status code (PS3.7 Annex C).</summary>
public enum DimseStatusCategory
{
    Success,
    Pending,
    Cancel,
    Warning,
    Failure,
}

/// <summary>A DIMSE status code with its category (PS3.7 Annex C and the service classes of PS3.4).</summary>
public readonly record struct DimseStatus(ushort Code)
{
    public static readonly DimseStatus Success = new(0x0000);
    public static readonly DimseStatus Pending = new(0xFF00);
    /// <summary>Pending: one or more optional keys were not supported (C-FIND).</summary>
    public static readonly DimseStatus PendingWithWarnings = new(0xFF01);
    public static readonly DimseStatus Cancel = new(0xFE00);

    /// <summary>Storage warning: coercion of data elements.</summary>
    public static readonly DimseStatus CoercionOfDataElements = new(0xB000);
    /// <summary>Retrieve warning: sub-operations complete, one or more failures or warnings.</summary>
    public static readonly DimseStatus SubOperationsCompleteWithFailures = new(0xB000);
    public static readonly DimseStatus ElementsDiscarded = new(0xB006);
    public static readonly DimseStatus DatasetDoesNotMatchSopClassWarning = new(0xB007);

    public static readonly DimseStatus OutOfResources = new(0xA700);
    public static readonly DimseStatus OutOfResourcesUnableToCalculateMatches = new(0xA701);
    public static readonly DimseStatus OutOfResourcesUnableToPerformSubOperations = new(0xA702);
    public static readonly DimseStatus MoveDestinationUnknown = new(0xA801);
    public static readonly DimseStatus IdentifierDoesNotMatchSopClass = new(0xA900);
    public static readonly DimseStatus DatasetDoesNotMatchSopClass = new(0xA900);
    public static readonly DimseStatus CannotUnderstand = new(0xC000);
    public static readonly DimseStatus UnableToProcess = new(0xC001);
    public static readonly DimseStatus ProcessingFailure = new(0x0110);
    public static readonly DimseStatus DuplicateSopInstance = new(0x0111);
    public static readonly DimseStatus NoSuchSopClass = new(0x0118);
    public static readonly DimseStatus SopClassNotSupported = new(0x0122);
    public static readonly DimseStatus UnrecognizedOperation = new(0x0211);
    public static readonly DimseStatus MistypedArgument = new(0x0212);
    public static readonly DimseStatus DuplicateInvocation = new(0x0210);

    public DimseStatusCategory Category => Code switch
    {
        0x0000 => DimseStatusCategory.Success,
        0xFF00 or 0xFF01 => DimseStatusCategory.Pending,
        0xFE00 => DimseStatusCategory.Cancel,
        0x0001 or 0x0107 or 0x0116 or (>= 0xB000 and <= 0xBFFF) => DimseStatusCategory.Warning,
        _ => DimseStatusCategory.Failure,
    };

    public bool IsSuccess => Category == DimseStatusCategory.Success;

    public bool IsPending => Category == DimseStatusCategory.Pending;

    /// <summary>Success or warning: the operation was done.</summary>
    public bool IsSuccessOrWarning => Category is DimseStatusCategory.Success or DimseStatusCategory.Warning;

    public bool IsFailure => Category == DimseStatusCategory.Failure;

    public override string ToString() => $"0x{Code:X4} ({Category})";
}
