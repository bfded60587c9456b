using System.Runtime.InteropServices;

namespace PcapWatch.Broker.Native;

/// <summary>
/// Every signal blocked on the calling thread until disposed, so that a native thread started meanwhile starts with all
/// of them blocked too (a POSIX thread inherits its creator's mask).
/// </summary>
/// <remarks>
/// librdkafka's mock cluster serves every connection from one thread that waits in poll(), and that thread stops for
/// good when poll() fails, EINTR included. Its thread is started with the caller's mask, and a .NET process has signal
/// handlers (SIGCONT, SIGCHLD, SIGWINCH…): after a SIGSTOP and SIGCONT of the broker's process the handler could run on
/// that thread, interrupt its poll() and leave a broker that refused every connection while its process lived on. With
/// every signal blocked there, the kernel restarts the interrupted poll() and the runtime's own threads take the
/// signals. Linux with glibc only; elsewhere, or if libc cannot be called, nothing is blocked.
/// </remarks>
internal unsafe ref struct SignalMask
{
    private const int SigBlock = 0;
    private const int SigSetMask = 2;
    private const int SigSetBytes = 128; // glibc's sigset_t on 64-bit Linux

    private fixed byte _previous[SigSetBytes];
    private bool _blocked;

    public static SignalMask BlockAll()
    {
        var mask = new SignalMask();
        if (!OperatingSystem.IsLinux()) return mask;
        byte* all = stackalloc byte[SigSetBytes];
        try
        {
            mask._blocked = SigFillSet(all) == 0 && PthreadSigmask(SigBlock, all, mask._previous) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing blocked.
        }
        return mask;
    }

    /// <summary>Puts the previous mask back.</summary>
    public void Dispose()
    {
        if (!_blocked) return;
        _blocked = false;
        fixed (byte* previous = _previous) PthreadSigmask(SigSetMask, previous, null);
    }

    [DllImport("libc.so.6", EntryPoint = "sigfillset")]
    private static extern int SigFillSet(byte* set);

    [DllImport("libc.so.6", EntryPoint = "pthread_sigmask")]
    private static extern int PthreadSigmask(int how, byte* set, byte* oldSet);
}
