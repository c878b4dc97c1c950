// The spawner's program, in perl (perl-base is on every Debian-like machine fanout runs on). It
// is passed with `perl -e`, so nothing has to be found on disk at run time (dist/ is a bundle).
//
// Why it exists: libuv's spawn returns only once the child has exec'd, and forking fanout (a
// large Node process) costs ~7-9 ms, so a phase's spawns ran one after another. The spawner keeps
// a pool of pre-forked "slots": small perl children that already called setsid() (so their pid
// is their process group, known before the task exists) and hold the write ends of two FIFOs
// for stdout and stderr. fanout takes a slot synchronously (pid known at once), opens the
// FIFOs' read ends, and sends the command; the slot chdirs, sets the environment, points
// stdin at /dev/null and execs. Nobody waits for the exec: a phase's tasks start together.
//
// Protocol on the spawner's stdin (from fanout): `S <pid> <bytes>\n` then <bytes> of payload:
// NUL-separated cwd, file, argument count, arguments, then KEY=VALUE environment entries.
// On its stdout (to fanout), one line per event:
//   R <pid> <n>      a slot is ready (written by the slot after its setsid); its FIFOs are
//                    <dir>/<n>.o and <dir>/<n>.e
//   E <pid> <errno> <chdir|exec>  the slot's chdir or exec failed (then it exits 127)
//   X <pid> <status> a slot or task exited, raw wait status
// EOF on stdin (fanout exited, even by kill -9) makes the spawner exit; idle slots then read
// EOF on their command pipe and exit too. Tasks already started are not touched: they are in
// their own process groups, recorded in the journal, as with a direct spawn.

export const SPAWNER_SCRIPT = String.raw`
use strict;
use warnings;
use POSIX ();
use Fcntl qw(O_RDONLY O_WRONLY O_NONBLOCK F_GETFL F_SETFL);

my ($dir, $want) = @ARGV;
# Terminal signals go to fanout's group; fanout decides, and the spawner must outlive them to
# report the exits of the tasks fanout is stopping. It ends when its stdin closes.
$SIG{$_} = 'IGNORE' for qw(INT TERM HUP QUIT PIPE);

pipe(my $wake_r, my $wake_w) or die "pipe: $!";
for my $fh ($wake_r, $wake_w) { my $fl = fcntl($fh, F_GETFL, 0); fcntl($fh, F_SETFL, $fl | O_NONBLOCK); }
$SIG{CHLD} = sub { syswrite($wake_w, 'x'); };

my %idle;   # pid => [command pipe write end, stdout hold, stderr hold, n]
my $seq = 0;

sub tell_fanout { my $m = shift; my $off = 0; while ($off < length $m) { my $w = syswrite(STDOUT, $m, length($m) - $off, $off); exit 0 unless defined $w; $off += $w; } }

sub make_slot {
	my $n = ++$seq;
	my ($o, $e) = ("$dir/$n.o", "$dir/$n.e");
	POSIX::mkfifo($o, 0600) or return 0;
	POSIX::mkfifo($e, 0600) or do { unlink $o; return 0; };
	# The spawner holds a read end until fanout has opened its own, so the slot's write opens do
	# not block and a fast task's bytes wait in the pipe.
	sysopen(my $ho, $o, O_RDONLY | O_NONBLOCK) or return 0;
	sysopen(my $he, $e, O_RDONLY | O_NONBLOCK) or return 0;
	sysopen(my $wo, $o, O_WRONLY) or return 0;
	sysopen(my $we, $e, O_WRONLY) or return 0;
	pipe(my $cr, my $cw) or return 0;
	my $pid = fork;
	return 0 unless defined $pid;
	if ($pid == 0) {
		close $_ for ($ho, $he, $cw, $wake_r, $wake_w);
		for my $other (values %idle) { close $other->[0]; close $other->[1]; close $other->[2]; }
		slot($cr, $wo, $we, $n);
	}
	close $_ for ($cr, $wo, $we);
	$idle{$pid} = [$cw, $ho, $he, $n];
	return 1;
}

sub slot {
	my ($cr, $wo, $we, $n) = @_;
	POSIX::setsid();
	$SIG{$_} = 'DEFAULT' for qw(INT TERM HUP QUIT PIPE CHLD);
	# Ready only now: from here on the pid is a process group fanout can signal. (One short
	# write to the shared pipe: atomic.)
	syswrite(STDOUT, "R $$ $n\n");
	my $buf = '';
	while (1) { my $r = sysread($cr, $buf, 65536, length $buf); last unless $r; }
	POSIX::_exit(0) if $buf eq '';
	my ($cwd, $file, $nargs, @rest) = split /\0/, $buf, -1;
	my @args = splice(@rest, 0, $nargs);
	open(my $report, '>&', \*STDOUT) or POSIX::_exit(127);
	my $fail = sub { my $errno = ($! + 0) || 5; my $what = shift // 'exec'; syswrite($report, "E $$ $errno $what\n"); POSIX::_exit(127); };
	chdir $cwd or $fail->('chdir');
	%ENV = ();
	for my $kv (@rest) { my $i = index($kv, '='); next if $i < 1; $ENV{substr($kv, 0, $i)} = substr($kv, $i + 1); }
	open(STDIN, '<', '/dev/null') or $fail->();
	POSIX::dup2(fileno($wo), 1) // $fail->();
	POSIX::dup2(fileno($we), 2) // $fail->();
	{ no warnings 'exec'; exec { $file } $file, @args; }
	$fail->();
}

sub reap {
	while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
		my $status = $?;
		if (my $slot = delete $idle{$pid}) { close $slot->[0]; close $slot->[1]; close $slot->[2]; unlink "$dir/$slot->[3].o", "$dir/$slot->[3].e"; }
		tell_fanout("X $pid $status\n");
	}
}

sub start_task {
	my ($pid, $payload) = @_;
	my $slot = delete $idle{$pid} or return;
	# fanout opened the FIFOs before sending this: the holds and the names can go (unlinked here,
	# not by fanout: two file-system calls fewer on its side per task).
	close $slot->[1]; close $slot->[2];
	unlink "$dir/$slot->[3].o", "$dir/$slot->[3].e";
	my $cw = $slot->[0];
	my $off = 0;
	while ($off < length $payload) { my $w = syswrite($cw, $payload, length($payload) - $off, $off); last unless defined $w; $off += $w; }
	close $cw;
}

sub quit {
	for my $slot (values %idle) { unlink "$dir/$slot->[3].o", "$dir/$slot->[3].e"; }
	rmdir $dir; # empty: a started task's FIFO names went when it started
	exit 0;
}

my $in = '';
while (1) {
	reap();
	# One new slot per turn: exits to report and commands waiting meanwhile go first (refilling a
	# phase's worth of slots took long enough to hold back every exit of that phase).
	my $more = keys(%idle) < $want && make_slot() && keys(%idle) < $want;
	my $rin = '';
	vec($rin, fileno(STDIN), 1) = 1;
	vec($rin, fileno($wake_r), 1) = 1;
	my $n = select(my $rout = $rin, undef, undef, $more ? 0 : undef);
	next if $n < 0;
	if (vec($rout, fileno($wake_r), 1)) { my $junk; 1 while sysread($wake_r, $junk, 512); }
	if (vec($rout, fileno(STDIN), 1)) {
		my $r = sysread(STDIN, $in, 65536, length $in);
		quit() unless $r;
		while ((my $nl = index($in, "\n")) >= 0) {
			my ($cmd, $pid, $len) = split / /, substr($in, 0, $nl);
			last if length($in) < $nl + 1 + $len;
			my $payload = substr($in, $nl + 1, $len);
			substr($in, 0, $nl + 1 + $len) = '';
			start_task($pid, $payload) if $cmd eq 'S';
		}
	}
}
`;
