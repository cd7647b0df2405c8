/* For the Wine test runs only, never shipped: Rust's standard library (since 1.78) asks
 * bcryptprimitives.dll for ProcessPrng, which Wine 8 does not have. This stand-in forwards
 * it to RtlGenRandom (advapi32's SystemFunction036), which Wine has. Built by
 * scripts/windows.sh with mingw-w64 and put beside surety.exe in the test build only. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
