namespace DrimCloud.Dicom.Imaging;

/// <summary>
/// The instance (or one of its frames) cannot be turned into a displayable picture by this library: not an image,
/// an encoding we do not decode, or attributes that contradict each other. The message says which, for the client.
/// </summary>
public sealed class ImageNotRenderableException(string message) : Exception(message);
