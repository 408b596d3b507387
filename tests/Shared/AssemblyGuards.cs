// Compiled into every test project (tests/Directory.Build.props links tests/Shared/*.cs), so each
// test assembly — and every test later added to it — gets the guards without opting in.
[assembly: Torsion.TestSupport.TestGuard]
[assembly: AssemblyFixture(typeof(Torsion.TestSupport.LateLogErrors))]
