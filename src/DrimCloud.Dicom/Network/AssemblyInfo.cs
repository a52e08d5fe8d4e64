using System.Runtime.CompilerServices;

// The network tests drive the PDU codec and reader directly with malformed input (fuzzing, framing errors).
[assembly: InternalsVisibleTo("DrimCloud.Dicom.Network.Tests")]
